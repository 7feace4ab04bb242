import { parseArgs } from 'node:util';

export const REDRIVE_USAGE = `usage: pnpm redrive --group <consumer group> --topic <topic> [--limit n] [--dry-run] [--json]
  Sends the group's dead letters for the topic (<group>.<topic>.dlq) back to that group
  only, through its first retry topic (<group>.<topic>.retry.1), due at once. Other groups
  reading the topic do not see them again. KAFKA_BROKERS says where Kafka is (default
  127.0.0.1:9092, the port from KAFKA_PORT if set).
  --group     the failing consumer group's id (required)
  --topic     the topic its handler is declared for, not the dead-letter topic (required)
  --limit     move at most this many (a whole number from 1); default all there now
  --dry-run   list what would move (count; offset, key and last error of each); move nothing
  --json      print the result as JSON on stdout
  --help      this text
exit: 0 done (or dry run, or --help), 1 failed (message on stderr), 2 usage error`;

export interface RedriveArgs {
  groupId: string;
  topic: string;
  limit?: number;
  dryRun: boolean;
  json: boolean;
}

export type ParsedRedriveArgs = { help: true } | ({ help: false } & RedriveArgs);

/** A command line that cannot run: exit 2 with the message and the usage. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Reads the redrive command line; every problem is a UsageError that names it. */
export function parseRedriveArgs(argv: string[]): ParsedRedriveArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        group: { type: 'string' },
        topic: { type: 'string' },
        limit: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    // parseArgs names the unknown option or the missing value.
    throw new UsageError((error as Error).message);
  }
  if (values.help) return { help: true };
  const problems: string[] = [];
  const group = values.group?.trim();
  const topic = values.topic?.trim();
  if (!group) problems.push('--group <consumer group> is required');
  if (!topic) problems.push('--topic <topic> is required');
  else if (topic.endsWith('.dlq') || /\.retry\.\d+$/.test(topic))
    problems.push(`--topic is the original topic the handler is declared for, not "${topic}"`);
  let limit: number | undefined;
  if (values.limit !== undefined) {
    limit = /^[1-9]\d*$/.test(values.limit) ? Number(values.limit) : Number.NaN;
    if (!Number.isSafeInteger(limit))
      problems.push(`--limit must be a whole number from 1, got "${values.limit}"`);
  }
  if (problems.length > 0) throw new UsageError(problems.join('; '));
  return {
    help: false,
    groupId: group!,
    topic: topic!,
    ...(limit === undefined ? {} : { limit }),
    dryRun: values['dry-run'],
    json: values.json,
  };
}
