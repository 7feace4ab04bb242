/** How far a replay has got. */
export interface ReplayProgress {
  phase: 'reading' | 'catching-up' | 'swapping' | 'done';
  /** Offsets read of the view's topics, of `recordsTotal` (the topics' ends when the replay started). */
  recordsDone: number;
  recordsTotal: number;
  /** Events handled (applied, or dropped as duplicates or stale), this run. */
  events: number;
  /** Events per second this run, over its whole time. */
  rate: number;
  /** Estimated seconds until the records are read; undefined before there is a rate. */
  secondsLeft: number | undefined;
  elapsedSeconds: number;
}

const WIDTH = 28;

function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

const number = new Intl.NumberFormat('en-US');

/**
 * One line: a bar, records done of total (offsets, transaction markers included, so
 * that the bar reaches its end), events handled, rate and time left. E.g.
 * `order-timeline [##########..........]  50% 50,000/100,000 records · 49,990 events · 5,000/s · 0:10 left`.
 */
export function formatProgress(view: string, p: ReplayProgress): string {
  const fraction = p.recordsTotal === 0 ? 1 : Math.min(1, p.recordsDone / p.recordsTotal);
  const filled = Math.floor(fraction * WIDTH);
  const bar = `[${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}]`;
  const percent = `${String(Math.floor(fraction * 100)).padStart(3)}%`;
  const left =
    p.phase === 'reading'
      ? p.secondsLeft === undefined
        ? '--:-- left'
        : `${clock(p.secondsLeft)} left`
      : p.phase === 'done'
        ? `done in ${clock(p.elapsedSeconds)}`
        : p.phase;
  return (
    `${view} ${bar} ${percent} ${number.format(p.recordsDone)}/${number.format(p.recordsTotal)} records · ` +
    `${number.format(p.events)} events · ${number.format(Math.round(p.rate))}/s · ${left}`
  );
}
