/** Handler latency buckets (upper bounds, ms); the last bucket is everything above. */
export const LATENCY_BUCKETS_MS = [1, 5, 10, 25, 50, 100, 250, 500, 1000, 5000] as const;

export interface LatencySnapshot {
  count: number;
  sumMs: number;
  maxMs: number;
  /** Counts per bucket: buckets[i] counts latencies <= LATENCY_BUCKETS_MS[i]; the extra last one the rest. */
  buckets: number[];
}

export interface RunnerCounters {
  processed: number;
  duplicates: number;
  stale: number;
  /** Failed attempts retried, in process or through a retry topic. */
  retried: number;
  deadLettered: number;
}

export interface RunnerMetrics extends RunnerCounters {
  handlerLatency: LatencySnapshot;
  /** Per topic: messages behind the group's committed offsets (high watermark − committed). */
  lag: Record<string, number>;
}

export class Counters {
  readonly counts: RunnerCounters = { processed: 0, duplicates: 0, stale: 0, retried: 0, deadLettered: 0 };
  private readonly latency: LatencySnapshot = {
    count: 0,
    sumMs: 0,
    maxMs: 0,
    buckets: new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0),
  };

  observeHandler(ms: number): void {
    this.latency.count += 1;
    this.latency.sumMs += ms;
    this.latency.maxMs = Math.max(this.latency.maxMs, ms);
    const index = LATENCY_BUCKETS_MS.findIndex((bound) => ms <= bound);
    const bucket = index === -1 ? LATENCY_BUCKETS_MS.length : index;
    this.latency.buckets[bucket] = (this.latency.buckets[bucket] ?? 0) + 1;
  }

  snapshot(lag: Record<string, number>): RunnerMetrics {
    return { ...this.counts, handlerLatency: { ...this.latency, buckets: [...this.latency.buckets] }, lag };
  }
}
