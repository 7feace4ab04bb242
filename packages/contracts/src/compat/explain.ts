import type { Schema } from 'avsc';

/** One incompatibility as Apicurio lists it: Avro's own description, and a JSON-pointer-like place in the new (reader) schema. */
export interface RegistryDiff {
  description: string;
  path: string;
}

/**
 * Parses the incompatibilities out of Apicurio's refusal to register a version, e.g.
 * `... list of diff types: [reader type: INT not compatible with writer type: STRING at /fields/0/type, z at /fields/1/type/fields/1]`.
 */
export function parseRegistryDiffs(refusal: string): RegistryDiff[] {
  let message = refusal;
  try {
    const body = JSON.parse(refusal) as { message?: unknown };
    if (typeof body.message === 'string') message = body.message;
  } catch {
    // not JSON: read the text as it is
  }
  const marker = 'list of diff types: [';
  const start = message.indexOf(marker);
  if (start < 0) return [];
  const list = message.slice(start + marker.length).replace(/\]\s*$/, '');
  return [...list.matchAll(/\s*,?\s*(.+?) at (\/[A-Za-z0-9_/]*)/g)].map((m) => ({
    description: m[1]!.trim(),
    path: m[2]!,
  }));
}

/** The dotted field names along a path such as /fields/3/type/items/fields/1, read in the schema it points into. */
export function fieldAt(schema: Schema, path: string): string | undefined {
  const names: string[] = [];
  let node: unknown = schema;
  let withinFields = false;
  for (const segment of path.split('/').filter((s) => s.length > 0)) {
    if (node === null || typeof node !== 'object') break;
    node = (node as Record<string, unknown>)[segment];
    if (
      withinFields &&
      node !== null &&
      typeof node === 'object' &&
      'name' in node &&
      typeof node.name === 'string'
    ) {
      names.push(node.name);
    }
    withinFields = segment === 'fields';
  }
  return names.length > 0 ? names.join('.') : undefined;
}

const TYPE_MISMATCH = /^reader type: (\S+) not compatible with writer type: (\S+)$/;
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Each incompatibility as a sentence that names the field and says what to do. */
export function explainDiffs(refusal: string, newSchema: Schema): string[] {
  return parseRegistryDiffs(refusal).map(({ description, path }) => {
    const field = fieldAt(newSchema, path);
    const where = field ? `field "${field}" (${path})` : path;
    const mismatch = TYPE_MISMATCH.exec(description);
    if (mismatch) {
      return (
        `${where}: its type changed from ${mismatch[2]} to ${mismatch[1]}, which cannot read the events already written. ` +
        'Keep the old type (only Avro promotions such as int to long are compatible), or add a new field with a default and leave this one as it is.'
      );
    }
    if (FIELD_NAME.test(description) && /\/fields\/[0-9]+$/.test(path)) {
      return (
        `${where}: a new field without a default, so events written before it cannot be read. ` +
        'Add a default: "default": null with the type ["null", …], or a default value of its type.'
      );
    }
    if (/\/symbols$/.test(path)) {
      return `${where}: enum symbols ${description} were removed, but events already written use them. Keep every symbol that was ever published.`;
    }
    return `${where}: ${description}. Make the change so that the new schema can still read events written with the old one (for a new field, add a default).`;
  });
}
