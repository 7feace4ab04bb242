import { readFileSync, renameSync, writeFileSync } from 'node:fs';

/**
 * Replaces every @NAME@ by values[NAME]. Strict: a name without a value is an error, so a
 * config never goes out with a placeholder left in it.
 */
export function renderTemplate(
  text: string,
  values: Readonly<Record<string, string>>,
  source = 'template',
): string {
  return text.replace(/@([A-Z_][A-Z0-9_]*)@/g, (_match, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`${source}: variable ${name} is not set`);
    return value;
  });
}

/** Renders template file `from` into `to` (written aside, then renamed into place). */
export function renderFile(from: string, to: string, values: Readonly<Record<string, string>>): void {
  const out = renderTemplate(readFileSync(from, 'utf8'), values, from);
  writeFileSync(`${to}.tmp`, out);
  renameSync(`${to}.tmp`, to);
}
