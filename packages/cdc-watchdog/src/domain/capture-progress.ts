/**
 * Which outbox rows Debezium has certainly captured, told from the replication slot alone.
 *
 * Outbox rows carry no LSN, and Debezium reads them from the WAL, so the table cannot say
 * whether a row went out. But a row visible to a query has its commit record in the WAL
 * already, below the WAL insert position read at that moment. So every check samples
 * (time, pg_current_wal_insert_lsn()); once the slot's confirmed_flush_lsn has passed a
 * sample's LSN, every row that existed at that sample's time has been delivered and
 * confirmed. The newest such sample is the capture horizon: rows created after it are
 * "waiting", and the oldest of them says how long CDC has kept someone waiting.
 * Debezium's heartbeat (every 5 s) keeps confirmed_flush_lsn moving even without outbox
 * traffic, so a healthy horizon trails the clock by about one heartbeat plus one check.
 *
 * created_at is the inserting transaction's start, not its commit: a row of a transaction
 * that began before the horizon and committed after it is counted as captured. Service
 * transactions last milliseconds, and the second signal below (confirmed_flush_lsn not
 * moving at all) still catches a stall that such a row would hide.
 */
export interface WalSample {
  /** Milliseconds since the epoch, on the database's clock (the clock created_at uses). */
  at: number;
  insertLsn: bigint;
}

export interface CaptureProgress {
  /** Samples not yet known to be confirmed, oldest first, after the horizon sample. */
  readonly samples: readonly WalSample[];
  /** The newest sample the slot has confirmed: rows created before `at` are captured. */
  readonly horizon?: WalSample;
  readonly confirmedFlushLsn?: bigint;
  /** When confirmed_flush_lsn last moved (or when watching began). */
  readonly lastAdvanceAt?: number;
  /** When watching began: rows older than this were never seen waiting. */
  readonly startedAt?: number;
}

/** Enough samples for hours of a stuck slot at any sane interval; older ones go first. */
const MAX_SAMPLES = 5000;

export function trackCapture(
  previous: CaptureProgress,
  sample: WalSample,
  confirmedFlushLsn: bigint | undefined,
): CaptureProgress {
  const samples = [...previous.samples, sample];
  let horizon = previous.horizon;
  let confirmed = 0;
  if (confirmedFlushLsn !== undefined) {
    while (confirmed < samples.length && samples[confirmed]!.insertLsn <= confirmedFlushLsn) confirmed++;
    if (confirmed > 0) horizon = samples[confirmed - 1];
  }
  const moved = confirmedFlushLsn !== undefined && confirmedFlushLsn !== previous.confirmedFlushLsn;
  return {
    samples: samples.slice(confirmed).slice(-MAX_SAMPLES),
    horizon,
    confirmedFlushLsn: confirmedFlushLsn ?? previous.confirmedFlushLsn,
    lastAdvanceAt: moved || previous.lastAdvanceAt === undefined ? sample.at : previous.lastAdvanceAt,
    startedAt: previous.startedAt ?? sample.at,
  };
}

/** Rows created after this time are not known to be captured. */
export function waitingSince(progress: CaptureProgress): number | undefined {
  return progress.horizon?.at ?? progress.startedAt;
}
