import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { type Component, type StackContext, stackComponent } from '../component';
import { commitInstall, temporaryDir } from '../install-cache';
import { requireCommands, runInstaller } from '../installer';
import { httpOk, smtpGreets } from '../probes';
import { dataDirOf, version } from '../stack-context';
import { KEPT_EMAILS, makeMaildevRestoreSafe, pruneStoredEmails } from './maildev-restore';

function maildevDir(ctx: StackContext): string {
  return join(ctx.cacheDir, `maildev-${version(ctx, 'MAILDEV_VERSION')}`);
}

function maildevBin(ctx: StackContext): string {
  return join(maildevDir(ctx), 'node_modules/maildev/bin/maildev');
}

/** maildev: an SMTP sink with a web inbox and a REST API, run by the node on PATH. */
export function smtp(ctx: StackContext): Component {
  const data = dataDirOf(ctx, 'smtp');
  return stackComponent(ctx, {
    name: 'smtp',
    startTimeoutSeconds: 60,

    async install() {
      const final = maildevDir(ctx);
      if (existsSync(join(final, '.complete')) && existsSync(maildevBin(ctx))) return;
      await requireCommands('npm');
      const maildev = version(ctx, 'MAILDEV_VERSION');
      ctx.log(`smtp: installing maildev@${maildev} from npm into ${final}`);
      const tmp = temporaryDir(final);
      await runInstaller(
        ctx,
        `smtp: npm install maildev@${maildev}`,
        'npm',
        ['install', '--prefix', tmp, '--no-audit', '--no-fund', '--omit=dev', `maildev@${maildev}`],
        { cwd: tmp },
      );
      if (!existsSync(join(tmp, 'node_modules/maildev/bin/maildev')))
        throw new Error('smtp: maildev missing after npm install');
      makeMaildevRestoreSafe(tmp);
      commitInstall(tmp, final);
    },

    start() {
      mkdirSync(data, { recursive: true });
      // Installs made before the edit existed get it here.
      makeMaildevRestoreSafe(maildevDir(ctx));
      const pruned = pruneStoredEmails(data);
      if (pruned > 0) ctx.log(`smtp: deleted the ${pruned} oldest stored emails (keeps ${KEPT_EMAILS})`);
      return Promise.resolve({
        command: 'node',
        args: [
          maildevBin(ctx),
          '--ip',
          '127.0.0.1',
          '--web-ip',
          '127.0.0.1',
          '--smtp',
          String(ctx.ports.smtp),
          '--web',
          String(ctx.ports.smtpWeb),
          '--mail-directory',
          data,
        ],
        cwd: data,
        env: { PATH: ctx.env.PATH ?? '/usr/bin:/bin', HOME: ctx.env.HOME ?? data },
      });
    },

    async ready() {
      // /healthz, not /email: the supervisor probes every 5 s, and /email answers with every
      // stored message (46 MB after a few benchmark runs, 18 % of a core for maildev).
      return (
        (await smtpGreets(ctx.ports.smtp)) && (await httpOk(`http://127.0.0.1:${ctx.ports.smtpWeb}/healthz`))
      );
    },

    info() {
      let v = '?';
      try {
        v = (
          JSON.parse(readFileSync(join(maildevDir(ctx), 'node_modules/maildev/package.json'), 'utf8')) as {
            version: string;
          }
        ).version;
      } catch {
        // Not installed: the line says '?'.
      }
      return Promise.resolve(
        `smtp      ready  smtp://127.0.0.1:${ctx.ports.smtp}  web+REST http://127.0.0.1:${ctx.ports.smtpWeb}  maildev ${v} (node ${process.version})`,
      );
    },

    wipe() {
      rmSync(data, { recursive: true, force: true });
      return Promise.resolve();
    },
  });
}
