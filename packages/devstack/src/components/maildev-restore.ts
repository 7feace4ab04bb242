import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * maildev 2.2.1 restores its stored mail at start (readdir, then one read per file) while
 * its SMTP server already accepts mail, and it empties its in-memory list only when that
 * readdir answers. An email received in between is written to disk but dropped from the
 * list the REST API serves: after `kill smtp` the fault suite found two emails the service
 * had delivered missing from the sink (30,000 stored emails made the window wide). This
 * edit empties the list before the readdir and skips an email already listed, so each
 * stored email is listed once, whenever it arrived. Idempotent; a maildev whose code
 * differs is refused rather than left racing.
 */
const MARK = '/* order-platform: restore without losing new mail */';

const EDITS: readonly { from: string; to: string }[] = [
  {
    from: `  const persistencePath = fs.realpathSync(mailServer.mailDir)
  fs.readdir(persistencePath, function (err, files) {
    if (err) {
      logger.error('Error during reading of the mailDir %s', persistencePath)
    } else {
      store.length = 0
      files.forEach(`,
    to: `  const persistencePath = fs.realpathSync(mailServer.mailDir)
  ${MARK}
  store.length = 0
  listedIds.clear()
  fs.readdir(persistencePath, function (err, files) {
    if (err) {
      logger.error('Error during reading of the mailDir %s', persistencePath)
    } else {
      files.forEach(`,
  },
  {
    from: `function saveEmailToStore (id, isRead = false, envelope, parsedEmail) {
`,
    to: `const listedIds = new Set()
function saveEmailToStore (id, isRead = false, envelope, parsedEmail) {
  if (listedIds.has(id)) return
  listedIds.add(id)
`,
  },
];

/** Applies the edit to an installed maildev (the directory npm installed it into). */
export function makeMaildevRestoreSafe(installDir: string): void {
  const file = join(installDir, 'node_modules/maildev/lib/mailserver.js');
  let code = readFileSync(file, 'utf8');
  if (code.includes(MARK)) return;
  for (const edit of EDITS) {
    if (!code.includes(edit.from))
      throw new Error(`smtp: ${file} is not the maildev this edit knows (see maildev-restore.ts)`);
    code = code.replace(edit.from, edit.to);
  }
  writeFileSync(file, code);
}

/**
 * The emails the sink keeps across restarts. maildev restores its store by opening every
 * stored file at once, and past the open-file limit (20,000 here) the rest fail silently:
 * with 30,000 stored it listed 20,000 after a restart, a random third missing, recent
 * emails included.
 */
export const KEPT_EMAILS = 10_000;

/** Deletes the oldest stored emails (and their attachment folders) beyond `keep`; how many went. */
export function pruneStoredEmails(mailDir: string, keep = KEPT_EMAILS): number {
  const emails = readdirSync(mailDir)
    .filter((name) => name.endsWith('.eml'))
    .map((name) => ({ name, mtime: statSync(join(mailDir, name)).mtimeMs }));
  if (emails.length <= keep) return 0;
  emails.sort((a, b) => a.mtime - b.mtime);
  const old = emails.slice(0, emails.length - keep);
  for (const { name } of old) {
    rmSync(join(mailDir, name), { force: true });
    rmSync(join(mailDir, name.slice(0, -'.eml'.length)), { recursive: true, force: true });
  }
  return old.length;
}
