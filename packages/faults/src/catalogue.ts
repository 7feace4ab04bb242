/**
 * The faults the suite injects, one at a time, each under its own flow of orders.
 * `kill`: SIGKILL, and the supervisor brings the process back by itself (nothing here
 * restarts it). `outage`: the process is held down for a while, then let up again.
 */
export type Fault =
  | { name: string; kind: 'kill'; target: string }
  | { name: string; kind: 'outage'; target: string; downMs: number };

/** Every process of the running system, in the order the suite kills them. */
export const KILLED = [
  'basket',
  'order',
  'payment',
  'shipping',
  'email',
  'views',
  'payment-provider',
  'smtp',
  'registry',
  'postgres',
  'kafka',
  'connect',
] as const;

/** The long outages of issue 9, at full length (FAULTS_OUTAGE_SCALE shortens them for a quick look). */
export const OUTAGES = [
  { target: 'payment-provider', downMs: 180_000 },
  { target: 'postgres', downMs: 60_000 },
  { target: 'registry', downMs: 60_000 },
  { target: 'views', downMs: 300_000 },
] as const;

export interface CatalogueOptions {
  /** Only the faults whose name contains one of these (FAULTS_ONLY=kafka,postgres). */
  only?: string[];
  /** Multiplies every outage's length (FAULTS_OUTAGE_SCALE=0.1). */
  outageScale?: number;
}

export function faultCatalogue(options: CatalogueOptions = {}): Fault[] {
  const scale = options.outageScale ?? 1;
  if (!(scale > 0)) throw new Error(`the outage scale must be a positive number, not ${scale}`);
  const faults: Fault[] = [
    ...KILLED.map((target) => ({ name: `kill ${target}`, kind: 'kill' as const, target })),
    ...OUTAGES.map(({ target, downMs }) => ({
      name: `${target} down ${Math.round((downMs * scale) / 1000)} s`,
      kind: 'outage' as const,
      target,
      downMs: Math.round(downMs * scale),
    })),
  ];
  const only = options.only?.filter((o) => o.length > 0) ?? [];
  if (only.length === 0) return faults;
  const chosen = faults.filter((f) => only.some((o) => f.name.includes(o)));
  if (chosen.length === 0) throw new Error(`no fault matches ${only.join(', ')}`);
  return chosen;
}

/** Reads FAULTS_ONLY and FAULTS_OUTAGE_SCALE. */
export function catalogueFromEnvironment(env: NodeJS.ProcessEnv = process.env): Fault[] {
  const scale = env.FAULTS_OUTAGE_SCALE === undefined ? 1 : Number(env.FAULTS_OUTAGE_SCALE);
  return faultCatalogue({ only: env.FAULTS_ONLY?.split(','), outageScale: scale });
}
