#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { redrive } from '../consumer/redrive';
import { createKafka, parseBrokers } from '../kafka-client';

/**
 * messaging-redrive --group <consumer group> --topic <original topic> [--limit n]
 * Sends the group's dead letters for the topic back to it (KAFKA_BROKERS from the environment).
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { group: { type: 'string' }, topic: { type: 'string' }, limit: { type: 'string' } },
  });
  if (!values.group || !values.topic)
    throw new Error('usage: messaging-redrive --group <group> --topic <topic> [--limit n]');
  const brokers = process.env.KAFKA_BROKERS;
  if (!brokers) throw new Error('KAFKA_BROKERS is not set');
  const kafka = createKafka({ brokers: parseBrokers(brokers), clientId: `${values.group}.redrive` });
  const moved = await redrive({
    kafka,
    groupId: values.group,
    topic: values.topic,
    ...(values.limit ? { limit: Number(values.limit) } : {}),
  });
  process.stdout.write(`redrove ${moved} message(s) to ${values.topic}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
