import { randomBytes } from 'node:crypto';

/**
 * A name no other test (in this run or an earlier one on the same stack) uses: tests
 * share one stack and isolate themselves by topic, group, subject, schema, slot and
 * connector names. Lower-case letters, digits and underscores only, so the same name is
 * valid as a Postgres identifier, a replication slot and a Kafka topic.
 */
export function uniqueName(prefix: string): string {
  const clean = prefix.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  return `${clean}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}
