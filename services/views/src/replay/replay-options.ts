import type { KafkaClient, MessagingLogger, SchemaRegistry } from '@order-platform/messaging';
import type { Pool } from 'pg';
import type { Positions } from '../projection/view-tables';
import type { ViewDefinition } from '../views/view';
import type { ReplayPlan } from './plan';
import type { ReplayProgress } from './progress';

export interface ReplayDependencies {
  /** Connections as the views role; at least `partitionsConcurrently` + 3 of them. */
  pool: Pool;
  kafka: KafkaClient;
  registry: SchemaRegistry;
  logger?: MessagingLogger;
}

export interface ReplayOptions {
  view: ViewDefinition;
  /** Report what a rebuild would do, change nothing. */
  dryRun?: boolean;
  /** Throw away an interrupted rebuild and start again from offset 0. */
  restart?: boolean;
  /** Messages of one partition applied per Postgres transaction (default 200). */
  batchSize?: number;
  /** Partitions replayed at once (default 4). */
  partitionsConcurrently?: number;
  /** How often progress is reported, in ms (default 500). */
  progressEveryMs?: number;
  onProgress?: (progress: ReplayProgress) => void;
  /** Aborting stops the replay where it is; running it again resumes there. */
  signal?: AbortSignal;
}

export type ReplayResult =
  | { outcome: 'dry-run'; plan: ReplayPlan; running: boolean }
  | { outcome: 'interrupted'; plan: ReplayPlan; events: number; seconds: number }
  | { outcome: 'swapped'; plan: ReplayPlan; events: number; seconds: number; positions: Positions };
