import { describe, expect, it } from 'vitest';
import { parseArgs, UsageError } from './cli-args';

const known = {
  stack: ['postgres', 'kafka', 'registry', 'smtp', 'connect'],
  services: ['basket', 'payment-provider'],
};
const parse = (line: string) => parseArgs(line ? line.split(' ') : [], known);

describe('the CLI arguments', () => {
  it('reads every command', () => {
    expect(parse('up')).toEqual({ cmd: 'up', names: [] });
    expect(parse('up kafka connect kafka')).toEqual({ cmd: 'up', names: ['kafka', 'connect'] });
    expect(parse('install connect smtp')).toEqual({ cmd: 'install', names: ['connect', 'smtp'] });
    expect(() => parse('install basket')).toThrow(/unknown component 'basket'/);
    expect(parse('down --wipe kafka')).toEqual({ cmd: 'down', names: ['kafka'], wipe: true });
    expect(parse('logs basket -f')).toEqual({ cmd: 'logs', name: 'basket', follow: true });
    expect(parse('kill kafka')).toEqual({ cmd: 'kill', name: 'kafka', signal: 'SIGKILL' });
    expect(parse('kill --signal TERM payment-provider')).toEqual({
      cmd: 'kill',
      name: 'payment-provider',
      signal: 'SIGTERM',
    });
    expect(parse('hold postgres')).toEqual({ cmd: 'hold', name: 'postgres' });
    expect(parse('services status')).toEqual({ cmd: 'services', action: 'status' });
    expect(parse('--help')).toEqual({ cmd: 'help' });
  });

  it.each([
    ['', 'a command is needed'],
    ['start', "unknown command 'start'"],
    ['up zookeeper', "unknown component 'zookeeper'"],
    ['up basket', "unknown component 'basket'"],
    ['up --wipe', '--wipe is an option of down'],
    ['down --force', 'unknown option: --force'],
    ['pid', 'pid needs a component name'],
    ['pid kafka connect', 'pid takes one name'],
    ['kill kafka --signal', '--signal needs a signal name'],
    ['kill kafka --signal SIGNOPE', "unknown signal 'SIGNOPE'"],
    ['status now', 'status takes no arguments'],
    ['services restart', "services needs up, down or status, not 'restart'"],
    ['services up basket', 'services up takes no arguments'],
  ])('refuses "%s" with a clear message', (line, message) => {
    expect(() => parse(line)).toThrow(UsageError);
    expect(() => parse(line)).toThrow(message);
  });
});
