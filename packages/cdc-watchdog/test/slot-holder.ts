import { Client, escapeIdentifier, escapeLiteral } from 'pg';

export interface HeldSlot {
  /** The walsender's backend pid, the one pg_replication_slots shows as active_pid. */
  pid: number;
  /** Resolves when the server has ended the connection (pg_terminate_backend). */
  ended: Promise<void>;
  release(): Promise<void>;
}

/**
 * Plays the zombie of the Kafka-broker fault: a live walsender that streams the slot and
 * confirms nothing, so Debezium's task cannot take the slot ("replication slot … is active
 * for PID …"). A logical replication connection of the `pg` package: START_REPLICATION
 * switches it to copy-both mode, which the package never ends by itself, so the query
 * stays open and the slot stays held until the server ends the backend.
 */
export async function holdSlot(adminUrl: string, slot: string, publication: string): Promise<HeldSlot> {
  const client = new Client({
    connectionString: adminUrl,
    replication: 'database',
    application_name: 'cdc-watchdog-test-zombie',
  } as ConstructorParameters<typeof Client>[0]);
  await client.connect();
  const ended = new Promise<void>((resolve) => {
    client.on('error', () => resolve());
    client.on('end', () => resolve());
  });
  const { rows } = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
  const pid = rows[0]!.pid;
  client
    .query(
      `START_REPLICATION SLOT ${escapeIdentifier(slot)} LOGICAL 0/0 (proto_version '1', publication_names ${escapeLiteral(publication)})`,
    )
    .catch(() => undefined);
  return {
    pid,
    ended,
    release: async () => {
      await client.end().catch(() => undefined);
    },
  };
}
