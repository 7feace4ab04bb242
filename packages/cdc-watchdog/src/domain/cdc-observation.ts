/** What one check saw: Kafka Connect's view of the connector and Postgres's view of its slot. */
export interface ConnectorView {
  state: string;
  tasks: { id: number; state: string }[];
}

export interface SlotView {
  active: boolean;
  activePid: number | null;
  /** The pid holding the slot is a walsender (listed in pg_stat_replication). */
  activePidIsWalsender: boolean;
  confirmedFlushLsn: bigint | null;
  restartLsn: bigint | null;
  walStatus: string | null;
  safeWalSizeBytes: bigint | null;
  /** pg_current_wal_lsn() - restart_lsn: the WAL the slot keeps on disk. */
  retainedWalBytes: bigint | null;
}

export interface OutboxView {
  /** Rows created after the capture horizon (see capture-progress.ts). */
  waiting: number;
  /** created_at of the oldest of them, ms on the database's clock. */
  oldestWaitingAt?: number;
}

export type Reachable<T> = { reachable: true; value: T } | { reachable: false; error: string };

export interface CdcObservation {
  /** ms since the epoch on the database's clock (the local clock when Postgres is down). */
  at: number;
  /** undefined value: Connect answered that there is no such connector. */
  connect: Reachable<ConnectorView | undefined>;
  database: Reachable<{
    insertLsn: bigint;
    /** undefined: no such slot. */
    slot?: SlotView;
    /** undefined when the outbox tables could not be read (or are not known). */
    outbox?: OutboxView;
    /** max_slot_wal_keep_size in bytes; null when unlimited (-1). */
    maxSlotWalKeepBytes: bigint | null;
  }>;
}
