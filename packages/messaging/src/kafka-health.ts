import type { Admin, Kafka } from 'kafkajs';
import { withTimeout } from './timeout';

/** Answers "does the cluster answer?" for readiness probes, reusing one admin connection. */
export class KafkaHealth {
  private admin: Admin | undefined;

  constructor(private readonly kafka: Kafka) {}

  async check(timeoutMs = 3000): Promise<{ brokers: number; controller: number | null }> {
    this.admin ??= this.kafka.admin();
    const admin = this.admin;
    const probe = (async () => {
      await admin.connect();
      const cluster = await admin.describeCluster();
      return { brokers: cluster.brokers.length, controller: cluster.controller };
    })();
    return withTimeout(probe, timeoutMs, 'Kafka');
  }

  async close(): Promise<void> {
    await this.admin?.disconnect();
    this.admin = undefined;
  }
}
