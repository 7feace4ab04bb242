import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { makeMaildevRestoreSafe, pruneStoredEmails } from './maildev-restore';

/** The two functions of maildev 2.2.1's lib/mailserver.js the edit changes, as published. */
const MAILSERVER = `const store = []
function saveEmailToStore (id, isRead = false, envelope, parsedEmail) {
  store.push({ id })
}
mailServer.loadMailsFromDirectory = function () {
  const persistencePath = fs.realpathSync(mailServer.mailDir)
  fs.readdir(persistencePath, function (err, files) {
    if (err) {
      logger.error('Error during reading of the mailDir %s', persistencePath)
    } else {
      store.length = 0
      files.forEach(function (file) { saveEmailToStore(file) })
    }
  })
}
`;

describe('makeMaildevRestoreSafe', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  function installed(code: string): { dir: string; file: string } {
    const dir = mkdtempSync(join(tmpdir(), 'maildev-'));
    dirs.push(dir);
    mkdirSync(join(dir, 'node_modules/maildev/lib'), { recursive: true });
    const file = join(dir, 'node_modules/maildev/lib/mailserver.js');
    writeFileSync(file, code);
    return { dir, file };
  }

  /**
   * Runs the restore with an email received after it began and before readdir answered;
   * `listed`: the files readdir found (with the new email when it was written in time).
   */
  function restoreWithMailArriving(code: string, listed: string[]): string[] {
    const sandbox = {
      mailServer: { mailDir: '/mail' } as Record<string, unknown>,
      logger: { error: () => undefined },
      fs: {
        realpathSync: (p: string) => p,
        readdir: (_p: string, callback: (err: null, files: string[]) => void) => {
          sandbox.received('new-mail');
          callback(null, listed);
        },
      },
      received: (_id: string) => undefined as unknown,
      result: [] as string[],
    };
    runInNewContext(
      `${code}
       received = (id) => saveEmailToStore(id);
       mailServer.loadMailsFromDirectory();
       result = store.map((e) => e.id);`,
      sandbox,
    );
    return sandbox.result;
  }

  it('lists an email that arrives during the restore once; unedited maildev drops it', () => {
    expect(restoreWithMailArriving(MAILSERVER, ['old-mail'])).toEqual(['old-mail']);
    const { dir, file } = installed(MAILSERVER);
    makeMaildevRestoreSafe(dir);
    const edited = readFileSync(file, 'utf8');
    expect(restoreWithMailArriving(edited, ['old-mail'])).toEqual(['new-mail', 'old-mail']);
    expect(restoreWithMailArriving(edited, ['old-mail', 'new-mail'])).toEqual(['new-mail', 'old-mail']);
  });

  it('is idempotent, and refuses a maildev whose code it does not know', () => {
    const { dir, file } = installed(MAILSERVER);
    makeMaildevRestoreSafe(dir);
    const once = readFileSync(file, 'utf8');
    makeMaildevRestoreSafe(dir);
    expect(readFileSync(file, 'utf8')).toBe(once);
    const other = installed('function saveEmailToStore () {}\n');
    expect(() => makeMaildevRestoreSafe(other.dir)).toThrow(/is not the maildev this edit knows/);
  });
});

describe('pruneStoredEmails', () => {
  it('keeps the newest emails and deletes the older ones with their attachment folders', () => {
    const dir = mkdtempSync(join(tmpdir(), 'maildev-store-'));
    try {
      for (const [i, id] of ['a', 'b', 'c', 'd'].entries()) {
        writeFileSync(join(dir, `${id}.eml`), 'Subject: x\n');
        mkdirSync(join(dir, id));
        utimesSync(join(dir, `${id}.eml`), 1_000 + i, 1_000 + i);
      }
      expect(pruneStoredEmails(dir, 4)).toBe(0);
      expect(pruneStoredEmails(dir, 2)).toBe(2);
      expect(
        readdirSync(dir)
          .filter((n) => n.endsWith('.eml'))
          .sort(),
      ).toEqual(['c.eml', 'd.eml']);
      expect(existsSync(join(dir, 'a'))).toBe(false);
      expect(existsSync(join(dir, 'd'))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
