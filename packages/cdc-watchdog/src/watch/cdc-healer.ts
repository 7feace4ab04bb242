import { Logger } from '@nestjs/common';
import { type KafkaConnectClient } from '@order-platform/messaging';
import type { Pool } from 'pg';
import type { HealAction } from '../domain/heal-escalation';

/** Carries out a heal through the Connect REST API and Postgres. */
export class CdcHealer {
  private readonly logger = new Logger('CdcHealer');

  constructor(
    private readonly pool: Pool,
    private readonly connect: KafkaConnectClient,
    private readonly connectorName: string,
    private readonly slotName: string,
  ) {}

  async heal(action: HealAction, connectorConfig: Record<string, string> | undefined): Promise<void> {
    switch (action.kind) {
      case 'recreate-connector':
        if (!connectorConfig) throw new Error('no configuration to re-create the connector from');
        await this.connect.putConnector(this.connectorName, connectorConfig);
        return;
      case 'restart-connector':
        await this.connect.restartConnector(this.connectorName, { includeTasks: true, onlyFailed: false });
        return;
      case 'terminate-walsender':
        await this.terminate(action.pid);
        // A running task retries the slot only every so often; a restart takes it at once.
        if (action.thenRestart) {
          await this.connect.restartConnector(this.connectorName, { includeTasks: true, onlyFailed: false });
        }
        return;
    }
  }

  /**
   * Ends the backend only if it still holds this slot: between the check and now the pid
   * may have let go, and a pid number can be reused by an unrelated backend.
   */
  private async terminate(pid: number): Promise<void> {
    const { rows } = await this.pool.query<{ terminated: boolean }>(
      `select pg_terminate_backend(active_pid, 5000) as terminated
         from pg_replication_slots where slot_name = $1 and active_pid = $2`,
      [this.slotName, pid],
    );
    if (rows[0]?.terminated === true) {
      this.logger.warn({ pid, slot: this.slotName }, 'ended the stale walsender holding the slot');
    } else {
      this.logger.log({ pid, slot: this.slotName }, 'the walsender had already let go of the slot');
    }
  }
}
