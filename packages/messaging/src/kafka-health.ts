import type { KafkaAdmin } from './admin/kafka-admin';
import type { KafkaClient } from './kafka-client';
import { withTimeout } from './timeout';

/** Answers "does the cluster answer?" for readiness probes, reusing one admin connection. */
export class KafkaHealth {
  private admin: KafkaAdmin | undefined;

  constructor(private readonly kafka: KafkaClient) {}

  async check(timeoutMs = 3000): Promise<{ brokers: number; controller: number | null }> {
    this.admin ??= this.kafka.admin();
    return withTimeout(this.admin.cluster(), timeoutMs, 'Kafka');
  }

  async close(): Promise<void> {
    await this.admin?.close();
    this.admin = undefined;
  }
}
