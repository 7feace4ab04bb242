import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { CdcWatchdog } from '../watch/cdc-watchdog';

const seconds = (ms: number) => Math.round(ms / 100) / 10;

@Controller('health')
export class HealthController {
  constructor(@Inject(CdcWatchdog) private readonly watchdog: CdcWatchdog) {}

  /** The process is up and serving HTTP; says nothing of CDC. */
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /**
   * The truth about CDC: 503 with the reasons while it is stalled, cannot be observed, or
   * the slot retains more WAL than the warning; otherwise 200, `ok` or `degraded` (a
   * condition that has not lasted the stall threshold yet) with the details.
   */
  @Get('ready')
  ready(@Res({ passthrough: true }) res: Response): object {
    const current = this.watchdog.current;
    if (!current) {
      res.status(HttpStatus.SERVICE_UNAVAILABLE);
      return { status: 'unknown', reasons: ['no check has completed yet'] };
    }
    const { observation: o, assessment: a } = current;
    res.status(a.ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    const db = o.database.reachable ? o.database.value : undefined;
    const slot = db?.slot;
    const oldest = db?.outbox?.oldestWaitingAt;
    return {
      status: a.status,
      reasons: a.reasons,
      checkedAt: new Date(o.at).toISOString(),
      connector: o.connect.reachable ? (o.connect.value ?? { state: 'MISSING', tasks: [] }) : undefined,
      slot: slot && {
        active: slot.active,
        activePid: slot.activePid,
        confirmedFlushLsnLagBytes:
          slot.confirmedFlushLsn === null ? null : String(db.insertLsn - slot.confirmedFlushLsn),
        retainedWalBytes: slot.retainedWalBytes === null ? null : String(slot.retainedWalBytes),
        walWarningBytes: a.walWarningBytes,
        walStatus: slot.walStatus,
        safeWalSizeBytes: slot.safeWalSizeBytes === null ? null : String(slot.safeWalSizeBytes),
      },
      outbox: db?.outbox && {
        waiting: db.outbox.waiting,
        oldestWaitingSeconds: oldest === undefined ? 0 : seconds(o.at - oldest),
      },
      heals: { thisStall: current.heals.healsThisStall },
    };
  }
}
