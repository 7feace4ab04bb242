import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { LedgerEntry } from '../domain/charge-ledger';

/**
 * The ledger's memory on disk, one JSON line per change, appended before the request that
 * made it is answered. A killed simulator comes back knowing every charge and key, as a
 * real provider does; without it, a restart would forget charges (and the checks of
 * "exactly one charge" would count from zero) and forget keys (inviting a second charge).
 * appendFileSync returns once the line is in the kernel, so SIGKILL cannot lose it.
 */
export class LedgerJournal {
  constructor(private readonly file: string) {}

  /** Every entry written so far; a last line cut short by a crash mid-write is dropped. */
  read(): LedgerEntry[] {
    if (!existsSync(this.file)) return [];
    const lines = readFileSync(this.file, 'utf8').split('\n');
    const entries: LedgerEntry[] = [];
    lines.forEach((line, i) => {
      if (line.length === 0) return;
      try {
        entries.push(JSON.parse(line) as LedgerEntry);
      } catch (error) {
        if (i < lines.length - 1 && lines.slice(i + 1).some((l) => l.length > 0))
          throw new Error(`${this.file}: line ${i + 1} is not JSON`, { cause: error });
      }
    });
    return entries;
  }

  append(entry: LedgerEntry): void {
    mkdirSync(dirname(this.file), { recursive: true });
    appendFileSync(this.file, `${JSON.stringify(entry)}\n`);
  }
}
