import { type KafkaConnectClient } from '@order-platform/messaging';
import { escapeIdentifier, type Pool } from 'pg';
import type { ConnectorView, OutboxView, Reachable, SlotView } from '../domain/cdc-observation';
import { parseLsn } from '../domain/lsn';

interface SlotRow {
  at_ms: string;
  insert_lsn: string;
  max_keep: string;
  max_keep_unit: string | null;
  active: boolean | null;
  active_pid: number | null;
  is_walsender: boolean | null;
  confirmed_flush_lsn: string | null;
  restart_lsn: string | null;
  wal_status: string | null;
  safe_wal_size: string | null;
  retained: string | null;
}

const UNIT_BYTES: Record<string, bigint> = { B: 1n, kB: 1024n, MB: 1024n ** 2n, GB: 1024n ** 3n };

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Reads Kafka Connect and Postgres: the raw facts of one check, decided on elsewhere. */
export class CdcObserver {
  constructor(
    private readonly pool: Pool,
    private readonly connect: KafkaConnectClient,
    private readonly connectorName: string,
    private readonly slotName: string,
  ) {}

  async connector(): Promise<Reachable<ConnectorView | undefined>> {
    try {
      const status = await this.connect.status(this.connectorName);
      const value = status && {
        state: status.connector.state,
        tasks: status.tasks.map((t) => ({ id: t.id, state: t.state })),
      };
      return { reachable: true, value };
    } catch (error) {
      return { reachable: false, error: message(error) };
    }
  }

  /** The slot and the WAL position in one statement, so they belong to the same moment. */
  async slot(): Promise<
    Reachable<{ at: number; insertLsn: bigint; slot?: SlotView; maxSlotWalKeepBytes: bigint | null }>
  > {
    try {
      const { rows } = await this.pool.query<SlotRow>(
        `select extract(epoch from clock_timestamp()) * 1000 as at_ms,
                pg_current_wal_insert_lsn()::text as insert_lsn,
                k.setting as max_keep, k.unit as max_keep_unit,
                s.active, s.active_pid,
                exists (select from pg_stat_replication r where r.pid = s.active_pid) as is_walsender,
                s.confirmed_flush_lsn::text, s.restart_lsn::text, s.wal_status, s.safe_wal_size::text,
                pg_wal_lsn_diff(pg_current_wal_lsn(), s.restart_lsn)::bigint::text as retained
           from pg_settings k
           left join pg_replication_slots s on s.slot_name = $1
          where k.name = 'max_slot_wal_keep_size'`,
        [this.slotName],
      );
      const row = rows[0];
      if (!row) throw new Error('pg_settings has no max_slot_wal_keep_size');
      const keep = BigInt(row.max_keep);
      const slot: SlotView | undefined =
        row.active === null
          ? undefined
          : {
              active: row.active,
              activePid: row.active_pid,
              activePidIsWalsender: row.is_walsender === true,
              confirmedFlushLsn: row.confirmed_flush_lsn === null ? null : parseLsn(row.confirmed_flush_lsn),
              restartLsn: row.restart_lsn === null ? null : parseLsn(row.restart_lsn),
              walStatus: row.wal_status,
              safeWalSizeBytes: row.safe_wal_size === null ? null : BigInt(row.safe_wal_size),
              retainedWalBytes: row.retained === null ? null : BigInt(row.retained),
            };
      return {
        reachable: true,
        value: {
          at: Number(row.at_ms),
          insertLsn: parseLsn(row.insert_lsn),
          slot,
          maxSlotWalKeepBytes: keep < 0n ? null : keep * (UNIT_BYTES[row.max_keep_unit ?? 'MB'] ?? 1n),
        },
      };
    } catch (error) {
      return { reachable: false, error: message(error) };
    }
  }

  /** Rows of the captured tables created after `since` (ms, the database's clock). */
  async outbox(tables: readonly string[], since: number): Promise<OutboxView> {
    const parts = tables.map((table) => {
      const [schema, name] = table.split('.');
      if (!schema || !name) throw new Error(`not a schema-qualified table: "${table}"`);
      return `select created_at from ${escapeIdentifier(schema)}.${escapeIdentifier(name)} where created_at > to_timestamp($1::float8 / 1000)`;
    });
    const { rows } = await this.pool.query<{ waiting: number; oldest_ms: string | null }>(
      `select count(*)::int as waiting, extract(epoch from min(created_at)) * 1000 as oldest_ms
         from (${parts.join(' union all ')}) waiting`,
      [since],
    );
    const row = rows[0];
    const oldest = row?.oldest_ms;
    return { waiting: row?.waiting ?? 0, oldestWaitingAt: oldest == null ? undefined : Number(oldest) };
  }
}
