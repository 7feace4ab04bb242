import { Logger } from '@nestjs/common';
import { type KafkaConnectClient } from '@order-platform/messaging';
import { type Assessment, assessCdc, type ConditionClock } from '../domain/cdc-assessment';
import type { CdcObservation } from '../domain/cdc-observation';
import { type CaptureProgress, trackCapture, waitingSince } from '../domain/capture-progress';
import { decideHeal, type HealMemory, NO_HEALS } from '../domain/heal-escalation';
import { outboxPruneAge } from '../domain/outbox-pruning';
import type { CdcMetrics } from '../metrics/cdc-metrics';
import type { CdcHealer } from './cdc-healer';
import type { CdcObserver } from './cdc-observer';

export interface WatchSettings {
  connectorName: string;
  /**
   * The connector's configuration as platform-init registers it, when this is the
   * platform's connector. Otherwise the watchdog re-creates the connector from the
   * configuration it last read from Connect.
   */
  connectorConfig?: Record<string, string>;
  checkIntervalMs: number;
  stallThresholdMs: number;
  walWarningBytes: number;
  outboxRetentionMs: number;
  /** false: decide and log heals, carry none out. */
  healing: boolean;
}

export interface WatchState {
  observation: CdcObservation;
  assessment: Assessment;
  /** When the current stall began (the first check that found it). */
  stalledSince?: number;
  heals: HealMemory;
}

/** How often the configuration is read again from Connect (it can be changed there). */
const CONFIG_REFRESH_MS = 60_000;

/**
 * The watch loop: every interval it observes, decides (pure functions in domain/), records
 * metrics, and heals when the decision says so. Checks never overlap: the next one is
 * scheduled when the last has finished.
 */
export class CdcWatchdog {
  private readonly logger = new Logger('CdcWatchdog');
  private progress: CaptureProgress = { samples: [] };
  private clock: ConditionClock = {};
  private heals: HealMemory = NO_HEALS;
  private learnedConfig?: Record<string, string>;
  private learnedAt = 0;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;
  current?: WatchState;

  constructor(
    private readonly settings: WatchSettings,
    private readonly observer: CdcObserver,
    private readonly healer: CdcHealer,
    private readonly connect: KafkaConnectClient,
    private readonly metrics: CdcMetrics,
  ) {}

  start(): void {
    const loop = () => {
      if (this.stopped) return;
      this.running = this.check()
        .then(() => undefined)
        .catch((error: unknown) => this.logger.error({ err: error }, 'CDC check failed'))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(loop, this.settings.checkIntervalMs);
        });
    };
    loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** The configuration a missing connector is re-created from. */
  get connectorConfig(): Record<string, string> | undefined {
    return this.settings.connectorConfig ?? this.learnedConfig;
  }

  /** The outbox tables the connector captures (its table.include.list). */
  get tables(): string[] {
    const list = this.connectorConfig?.['table.include.list'] ?? '';
    return list.split(',').filter((t) => t.length > 0);
  }

  /** How old an outbox row must be for housekeeping to delete it, or why not now. */
  pruneAge(): { olderThanMs: number } | { skip: string } {
    if (!this.current) return { skip: 'no check has completed yet' };
    return outboxPruneAge({
      at: this.current.observation.at,
      stalled: this.current.assessment.status === 'stalled',
      progress: this.progress,
      retentionMs: this.settings.outboxRetentionMs,
      stallThresholdMs: this.settings.stallThresholdMs,
    });
  }

  async check(): Promise<WatchState> {
    const [connect, slot] = await Promise.all([this.observer.connector(), this.observer.slot()]);
    if (connect.reachable && connect.value) await this.learnConfig();
    let database: CdcObservation['database'] = slot;
    let at = Date.now();
    if (slot.reachable) {
      const { at: dbAt, insertLsn, ...rest } = slot.value;
      at = dbAt;
      this.progress = trackCapture(
        this.progress,
        { at, insertLsn },
        rest.slot?.confirmedFlushLsn ?? undefined,
      );
      database = { reachable: true, value: { insertLsn, ...rest, outbox: await this.outbox() } };
    }
    const observation: CdcObservation = { at, connect, database };
    const { assessment, clock } = assessCdc(observation, this.progress, this.clock, {
      stallThresholdMs: this.settings.stallThresholdMs,
      walWarningBytes: this.settings.walWarningBytes,
    });
    this.clock = clock;
    const previous = this.current;
    const stalled = assessment.status === 'stalled';
    const stalledSince = stalled ? (previous?.stalledSince ?? at) : undefined;
    this.logChange(previous, assessment, at);
    this.metrics.record(observation, assessment, this.progress.lastAdvanceAt);

    const slotView = database.reachable ? database.value.slot : undefined;
    const { memory, decision } = decideHeal(
      this.heals,
      {
        at,
        stalled,
        healable: assessment.healable,
        // Missing now, not only missing for the threshold: a restart of no connector is no heal.
        connectorMissing: connect.reachable && connect.value === undefined,
        canRecreate: this.connectorConfig !== undefined,
        restarting:
          connect.reachable &&
          [connect.value?.state, ...(connect.value?.tasks ?? []).map((t) => t.state)].includes('RESTARTING'),
        tasksRunning:
          connect.reachable &&
          connect.value?.state === 'RUNNING' &&
          (connect.value.tasks ?? []).length > 0 &&
          connect.value.tasks.every((t) => t.state === 'RUNNING'),
        slot: slotView && {
          activePid: slotView.activePid,
          activePidIsWalsender: slotView.activePidIsWalsender,
        },
      },
      this.settings.stallThresholdMs,
    );
    this.heals = memory;
    this.current = { observation, assessment, stalledSince, heals: memory };
    if (decision.action && !this.settings.healing) {
      const { action, reason } = decision;
      this.logger.warn(
        { action, because: reason, stall: assessment.reasons },
        `would heal CDC (CDC_HEALING=off): ${action.kind}`,
      );
    } else if (decision.action) {
      const { action, reason } = decision;
      this.logger.warn({ action, because: reason, stall: assessment.reasons }, `healing CDC: ${action.kind}`);
      this.metrics.healed(action.kind);
      try {
        await this.healer.heal(action, this.connectorConfig);
      } catch (error) {
        this.logger.error(
          { err: error, action },
          `heal ${action.kind} failed; the next one follows the threshold`,
        );
      }
    } else if (stalled) {
      this.logger.debug({ because: decision.reason }, 'no heal this check');
    }
    return this.current;
  }

  private async outbox() {
    const tables = this.tables;
    const since = waitingSince(this.progress);
    if (tables.length === 0 || since === undefined) return undefined;
    try {
      return await this.observer.outbox(tables, since);
    } catch (error) {
      this.logger.warn({ err: error, tables }, 'cannot read the outbox tables');
      return undefined;
    }
  }

  private async learnConfig(): Promise<void> {
    if (this.settings.connectorConfig || Date.now() - this.learnedAt < CONFIG_REFRESH_MS) return;
    try {
      const config = await this.connect.connectorConfig(this.settings.connectorName);
      if (config) {
        this.learnedConfig = config;
        this.learnedAt = Date.now();
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'cannot read the connector configuration');
    }
  }

  private logChange(previous: WatchState | undefined, now: Assessment, at: number): void {
    const before = previous?.assessment;
    if (before?.status === now.status && before.reasons.length === now.reasons.length) return;
    const context = { status: now.status, reasons: now.reasons, connector: this.settings.connectorName };
    if (before?.status === 'stalled' && now.status !== 'stalled') {
      const lasted =
        previous?.stalledSince === undefined ? undefined : Math.round((at - previous.stalledSince) / 1000);
      this.logger.log(
        { ...context, stalledSeconds: lasted, heals: this.heals.healsThisStall },
        'CDC recovered',
      );
    } else if (now.status === 'ok') {
      this.logger.log(context, 'CDC ok');
    } else {
      this.logger.warn(context, `CDC ${now.status}`);
    }
    if (now.walOverWarning !== (before?.walOverWarning ?? false)) {
      const words = now.walOverWarning ? 'over' : 'back under';
      this.logger.warn({ warningBytes: now.walWarningBytes }, `retained WAL ${words} the warning`);
    }
  }
}
