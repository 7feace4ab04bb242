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
        await this.restartAfresh(connectorConfig);
        return;
      case 'terminate-walsender':
        await this.terminate(action.pid);
        // A running task retries the slot only every so often; a restart takes it at once.
        if (action.thenRestart) await this.restartAfresh(connectorConfig);
        return;
    }
  }

  /**
   * Restarts the connector's tasks under a new incarnation tag in their JMX names. A task
   * that "failed to properly shut down" keeps its Debezium metrics registered in the worker
   * for good, and a task started with the same names waits 12 x 5 s for each of its two
   * metric sets before it streams: two minutes of stalled CDC. Under a name of its own
   * (`custom.metric.tags`) the new task starts at once. Changing the configuration is what
   * makes Connect stop the tasks and start new ones with it.
   */
  private async restartAfresh(known: Record<string, string> | undefined): Promise<void> {
    const config = (await this.connect.connectorConfig(this.connectorName)) ?? known;
    if (!config) {
      await this.connect.restartConnector(this.connectorName, { includeTasks: true, onlyFailed: false });
      return;
    }
    const fresh: Record<string, string> = {
      ...config,
      'custom.metric.tags': `incarnation=${Date.now().toString(36)}`,
    };
    delete fresh.name;
    await this.connect.putConnector(this.connectorName, fresh);
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
