import type { Admin, Kafka } from 'kafkajs';

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
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Kafka did not answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return await Promise.race([probe, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    await this.admin?.disconnect();
    this.admin = undefined;
  }
}
