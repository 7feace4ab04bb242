import { describe, expect, it } from 'vitest';
import { parseRedriveArgs, UsageError } from './redrive-args';

const base = ['--group', 'email.send-on-order-confirmed', '--topic', 'order.order-confirmed.v1'];

describe('parseRedriveArgs', () => {
  it('reads group and topic, with no limit, no dry run and text output by default', () => {
    expect(parseRedriveArgs(base)).toEqual({
      help: false,
      groupId: 'email.send-on-order-confirmed',
      topic: 'order.order-confirmed.v1',
      dryRun: false,
      json: false,
    });
  });

  it('reads --limit, --dry-run and --json', () => {
    expect(parseRedriveArgs([...base, '--limit', '25', '--dry-run', '--json'])).toMatchObject({
      limit: 25,
      dryRun: true,
      json: true,
    });
    expect(parseRedriveArgs([...base, '--limit=1'])).toMatchObject({ limit: 1 });
  });

  it('answers --help (or -h) whatever else is there', () => {
    expect(parseRedriveArgs(['--help'])).toEqual({ help: true });
    expect(parseRedriveArgs(['-h', '--limit', 'abc'])).toEqual({ help: true });
  });

  it.each(['abc', '0', '-1', '1.5', '1e3', ' 2', '', '99999999999999999999'])(
    'refuses --limit %j: a positive whole number only',
    (limit) => {
      expect(() => parseRedriveArgs([...base, `--limit=${limit}`])).toThrow(UsageError);
      expect(() => parseRedriveArgs([...base, `--limit=${limit}`])).toThrow(
        `--limit must be a whole number from 1, got "${limit}"`,
      );
    },
  );

  it('requires --group and --topic, naming each missing one', () => {
    expect(() => parseRedriveArgs([])).toThrow(
      '--group <consumer group> is required; --topic <topic> is required',
    );
    expect(() => parseRedriveArgs(['--topic', 't'])).toThrow('--group <consumer group> is required');
    expect(() => parseRedriveArgs(['--group', 'g', '--topic', ' '])).toThrow('--topic <topic> is required');
  });

  it('refuses a dead-letter or retry topic given as --topic', () => {
    for (const topic of ['g.t.v1.dlq', 'g.t.v1.retry.1']) {
      expect(() => parseRedriveArgs(['--group', 'g', '--topic', topic])).toThrow(
        `--topic is the original topic the handler is declared for, not "${topic}"`,
      );
    }
  });

  it('refuses unknown options, positional arguments and an option without its value', () => {
    expect(() => parseRedriveArgs([...base, '--force'])).toThrow(UsageError);
    expect(() => parseRedriveArgs([...base, '--force'])).toThrow(/--force/);
    expect(() => parseRedriveArgs([...base, 'extra'])).toThrow(UsageError);
    expect(() => parseRedriveArgs(['--group'])).toThrow(UsageError);
  });
});
