import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { Assessment } from '../domain/cdc-assessment';
import type { CdcObservation } from '../domain/cdc-observation';
import { HEAL_KINDS, type HealKind } from '../domain/heal-escalation';

const STATES = ['RUNNING', 'PAUSED', 'STOPPED', 'FAILED', 'UNASSIGNED', 'RESTARTING', 'MISSING'];

/** The watchdog's Prometheus metrics, on a registry of its own (GET /metrics). */
export class CdcMetrics {
  readonly registry = new Registry();
  private readonly connectorState;
  private readonly taskState;
  private readonly rowsWaiting;
  private readonly oldestWaiting;
  private readonly retainedWal;
  private readonly flushLag;
  private readonly flushAge;
  private readonly slotActive;
  private readonly stalled;
  private readonly walWarning;
  private readonly walWarningBytes;
  private readonly heals;

  constructor(private readonly connector: string) {
    collectDefaultMetrics({ register: this.registry });
    const registers = [this.registry];
    const gauge = (name: string, help: string, labelNames: string[] = []) =>
      new Gauge({ name, help, labelNames: ['connector', ...labelNames], registers });
    this.connectorState = gauge('cdc_connector_state', 'Connector state, 1 for the current one', ['state']);
    this.taskState = gauge('cdc_task_state', 'Task state, 1 for the current one', ['task', 'state']);
    this.rowsWaiting = gauge('cdc_outbox_rows_waiting', 'Outbox rows not yet known to be captured');
    this.oldestWaiting = gauge('cdc_outbox_oldest_waiting_seconds', 'Age of the oldest waiting outbox row');
    this.retainedWal = gauge('cdc_slot_retained_wal_bytes', 'pg_current_wal_lsn() - restart_lsn of the slot');
    this.flushLag = gauge('cdc_slot_confirmed_flush_lag_bytes', 'WAL written after confirmed_flush_lsn');
    this.flushAge = gauge(
      'cdc_slot_confirmed_flush_age_seconds',
      'Time since confirmed_flush_lsn last moved',
    );
    this.slotActive = gauge('cdc_slot_active', '1 when a walsender streams the slot');
    this.stalled = gauge('cdc_stalled', '1 while CDC is stalled');
    this.walWarning = gauge('cdc_slot_wal_warning', '1 while retained WAL is over the warning');
    this.walWarningBytes = gauge('cdc_slot_wal_warning_bytes', 'Retained WAL that raises the warning');
    this.heals = new Counter({
      name: 'cdc_heals_total',
      help: 'Heals run, by action',
      labelNames: ['connector', 'action'],
      registers,
    });
    for (const action of HEAL_KINDS) this.heals.inc({ connector, action }, 0);
  }

  healed(action: HealKind): void {
    this.heals.inc({ connector: this.connector, action });
  }

  record(o: CdcObservation, a: Assessment, lastAdvanceAt: number | undefined): void {
    const connector = this.connector;
    if (o.connect.reachable) {
      const current = o.connect.value?.state ?? 'MISSING';
      this.connectorState.reset();
      for (const state of new Set([...STATES, current]))
        this.connectorState.set({ connector, state }, state === current ? 1 : 0);
      this.taskState.reset();
      for (const task of o.connect.value?.tasks ?? [])
        for (const state of new Set([...STATES, task.state]))
          this.taskState.set({ connector, task: String(task.id), state }, state === task.state ? 1 : 0);
    }
    if (o.database.reachable) {
      const { slot, outbox, insertLsn } = o.database.value;
      if (outbox) {
        this.rowsWaiting.set({ connector }, outbox.waiting);
        const oldest = outbox.oldestWaitingAt;
        this.oldestWaiting.set({ connector }, oldest === undefined ? 0 : Math.max(0, (o.at - oldest) / 1000));
      }
      this.slotActive.set({ connector }, slot?.active ? 1 : 0);
      if (slot?.retainedWalBytes != null) this.retainedWal.set({ connector }, Number(slot.retainedWalBytes));
      if (slot?.confirmedFlushLsn != null)
        this.flushLag.set({ connector }, Number(insertLsn - slot.confirmedFlushLsn));
    }
    if (lastAdvanceAt !== undefined)
      this.flushAge.set({ connector }, Math.max(0, (o.at - lastAdvanceAt) / 1000));
    this.stalled.set({ connector }, a.status === 'stalled' ? 1 : 0);
    this.walWarning.set({ connector }, a.walOverWarning ? 1 : 0);
    this.walWarningBytes.set({ connector }, a.walWarningBytes);
  }
}
