#!/usr/bin/env node
import { redrive, type RedriveResult } from '../consumer/redrive';
import { commandSettings } from '@order-platform/topology';
import { z } from 'zod';
import { createKafka, parseBrokers } from '../kafka-client';
import { parseRedriveArgs, REDRIVE_USAGE, UsageError } from './redrive-args';

const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

function summary(result: RedriveResult): string {
  const lines = result.dryRun
    ? [
        `dry run: ${result.count} dead letter(s) of group ${result.groupId} in ${result.deadLetterTopic} ` +
          `would go to ${result.target}; nothing was moved`,
      ]
    : [
        `redrove ${result.count} dead letter(s) of group ${result.groupId} from ${result.deadLetterTopic} ` +
          `to ${result.target} (that group only)`,
      ];
  for (const m of result.messages) {
    lines.push(
      `  partition ${m.partition} offset ${m.offset} key ${m.key ?? '(none)'}: ${m.lastError ?? '(no error history)'}`,
    );
  }
  return lines.join('\n');
}

async function main(): Promise<number> {
  let args;
  let brokers;
  try {
    args = parseRedriveArgs(process.argv.slice(2));
    if (args.help) {
      process.stdout.write(`${REDRIVE_USAGE}\n`);
      return EXIT.ok;
    }
    // Unset, the native development stack's broker (./dev up), as pnpm replay does.
    try {
      brokers = parseBrokers(commandSettings({ KAFKA_BROKERS: z.string() }).KAFKA_BROKERS);
    } catch (error) {
      throw new UsageError(`KAFKA_BROKERS: ${(error as Error).message}`);
    }
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${REDRIVE_USAGE}\n`);
    return EXIT.usage;
  }
  const kafka = createKafka({ brokers, clientId: `${args.groupId}.redrive` });
  try {
    const result = await redrive({
      kafka,
      groupId: args.groupId,
      topic: args.topic,
      dryRun: args.dryRun,
      ...(args.limit === undefined ? {} : { limit: args.limit }),
    });
    process.stdout.write(args.json ? `${JSON.stringify(result)}\n` : `${summary(result)}\n`);
    return EXIT.ok;
  } catch (error) {
    process.stderr.write(`redrive ${args.groupId} ${args.topic}: ${(error as Error).message}\n`);
    return EXIT.failed;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(EXIT.failed);
  },
);
