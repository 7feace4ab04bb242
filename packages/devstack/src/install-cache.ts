import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { processExists } from './processes';

/** The directory an install is built in before it is moved into place. */
export function temporaryDir(final: string): string {
  const tmp = `${final}.tmp.${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  return tmp;
}

export function isInstalled(final: string): boolean {
  return existsSync(join(final, '.complete'));
}

/**
 * Moves a finished install into place, marked `.complete`: a half-finished download is
 * never mistaken for an install. Installs run under the cache lock, so a complete final
 * directory is only replaced when it is incomplete.
 */
export function commitInstall(tmp: string, final: string): void {
  writeFileSync(join(tmp, '.complete'), '');
  if (isInstalled(final)) {
    rmSync(tmp, { recursive: true, force: true });
    return;
  }
  rmSync(final, { recursive: true, force: true });
  mkdirSync(dirname(final), { recursive: true });
  renameSync(tmp, final);
}

/**
 * One installer at a time per cache (several stacks of a machine share it): a lock
 * directory made atomically, holding the owner's pid so that a crashed owner's lock is
 * taken over instead of waited for.
 */
export async function withInstallLock<T>(
  cacheDir: string,
  work: () => Promise<T>,
  timeoutMs = 1_800_000,
): Promise<T> {
  mkdirSync(cacheDir, { recursive: true });
  const lock = join(cacheDir, '.install.lock.d');
  const owner = join(lock, 'pid');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(owner, String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(readFileSafe(owner));
      if (!holder || !processExists(holder)) {
        // Empty (the holder is between mkdir and write) or dead: give a live one a moment.
        if (!holder) await sleep(200);
        if (!Number(readFileSafe(owner)) || !processExists(Number(readFileSafe(owner)))) {
          rmSync(lock, { recursive: true, force: true });
        }
        continue;
      }
      if (Date.now() > deadline)
        throw new Error(`another installer (pid ${holder}) holds ${lock}`, { cause: error });
      await sleep(500);
    }
  }
  try {
    return await work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function readFileSafe(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return '';
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
