import { constants } from 'node:os';

export type Command =
  | { cmd: 'help' }
  | { cmd: 'up'; names: string[] }
  | { cmd: 'install'; names: string[] }
  | { cmd: 'down'; names: string[]; wipe: boolean }
  | { cmd: 'status' }
  | { cmd: 'logs'; name: string; follow: boolean }
  | { cmd: 'pid'; name: string }
  | { cmd: 'versions' }
  | { cmd: 'kill'; name: string; signal: NodeJS.Signals }
  | { cmd: 'hold'; name: string }
  | { cmd: 'release'; name: string }
  | { cmd: 'services'; action: 'up' | 'down' | 'status' };

export const usage = `devstack: the native stack's one supervisor (one daemon per STACK_DIR)

  devstack up [component...]             install what is missing, start, wait until ready, provision
  devstack install [component...]        only download what is missing into ORDER_PLATFORM_CACHE (the images do this too)
  devstack down [component...] [--wipe]  stop (reverse dependency order); --wipe deletes the data too
  devstack status                        state, pid, restarts, ports, resident memory of everything supervised
  devstack logs <name> [-f]              the end of a component's log (-f: follow it)
  devstack pid <name>                    pid of a running component (exit 1 if not running)
  devstack versions                      configured versions (infra/versions.env), and the running ones
  devstack kill <name> [--signal SIG]    send SIGKILL (or SIG) as a crash would: the supervisor restarts it
  devstack hold <name>                   stop it and keep it stopped (an outage) until release
  devstack release <name>                start it again and wait until it is ready
  devstack services up|down|status       the payment provider simulator and the services (+ cdc-watchdog when built)

Stack components, in default start order: postgres kafka registry smtp connect.
Settings: STACK_DIR (default <repo>/.stack), ORDER_PLATFORM_CACHE, the port variables
(PG_PORT, KAFKA_PORT, …; see infra/native/README.md).`;

/** A command line that does not parse: the CLI prints the message and the usage, exit 2. */
export class UsageError extends Error {}

export interface KnownNames {
  readonly stack: readonly string[];
  readonly services: readonly string[];
}

function nameOf(args: string[], command: string, known: readonly string[]): string {
  const [name, ...rest] = args;
  if (name === undefined)
    throw new UsageError(`${command} needs a component name (one of: ${known.join(' ')})`);
  if (rest.length > 0) throw new UsageError(`${command} takes one name, got: ${args.join(' ')}`);
  if (!known.includes(name))
    throw new UsageError(`unknown component '${name}' (components: ${known.join(' ')})`);
  return name;
}

function noArgs(args: string[], command: string): void {
  if (args.length > 0) throw new UsageError(`${command} takes no arguments, got: ${args.join(' ')}`);
}

function stackNames(args: string[], known: KnownNames): string[] {
  for (const a of args) {
    if (a.startsWith('-')) throw new UsageError(`unknown option: ${a}`);
    if (!known.stack.includes(a))
      throw new UsageError(`unknown component '${a}' (components: ${known.stack.join(' ')})`);
  }
  return [...new Set(args)];
}

export function parseSignal(raw: string | undefined): NodeJS.Signals {
  if (!raw) throw new UsageError('--signal needs a signal name, e.g. --signal SIGTERM');
  const name = (raw.startsWith('SIG') ? raw : `SIG${raw}`).toUpperCase();
  if (!(name in constants.signals))
    throw new UsageError(`unknown signal '${raw}' (e.g. SIGKILL, SIGTERM, SIGINT)`);
  return name as NodeJS.Signals;
}

export function parseArgs(argv: readonly string[], known: KnownNames): Command {
  const [cmd, ...args] = argv;
  const all = [...known.stack, ...known.services];
  switch (cmd) {
    case undefined:
      throw new UsageError('a command is needed');
    case 'help':
    case '-h':
    case '--help':
      return { cmd: 'help' };
    case 'up':
      if (args.includes('--wipe')) throw new UsageError('--wipe is an option of down');
      return { cmd: 'up', names: stackNames(args, known) };
    case 'install':
      return { cmd: 'install', names: stackNames(args, known) };
    case 'down': {
      const wipe = args.includes('--wipe');
      return {
        cmd: 'down',
        names: stackNames(
          args.filter((a) => a !== '--wipe'),
          known,
        ),
        wipe,
      };
    }
    case 'status':
    case 'versions':
      noArgs(args, cmd);
      return { cmd };
    case 'logs': {
      const follow = args.includes('-f') || args.includes('--follow');
      return {
        cmd: 'logs',
        name: nameOf(
          args.filter((a) => a !== '-f' && a !== '--follow'),
          'logs',
          all,
        ),
        follow,
      };
    }
    case 'pid':
    case 'hold':
    case 'release':
      return { cmd, name: nameOf(args, cmd, all) };
    case 'kill': {
      const at = args.indexOf('--signal');
      const signal = at >= 0 ? parseSignal(args[at + 1]) : 'SIGKILL';
      const rest = at >= 0 ? [...args.slice(0, at), ...args.slice(at + 2)] : args;
      return { cmd: 'kill', name: nameOf(rest, 'kill', all), signal };
    }
    case 'services': {
      const [action, ...extra] = args;
      if (action !== 'up' && action !== 'down' && action !== 'status') {
        throw new UsageError(`services needs up, down or status${action ? `, not '${action}'` : ''}`);
      }
      noArgs(extra, `services ${action}`);
      return { cmd: 'services', action };
    }
    default:
      throw new UsageError(`unknown command '${cmd}'`);
  }
}
