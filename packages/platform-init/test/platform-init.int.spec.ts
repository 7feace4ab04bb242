import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { TOPICS } from '@order-platform/contracts';
import { createKafka, KafkaConnectClient } from '@order-platform/messaging';
import { platformInitEnv, useStack } from '@order-platform/testing';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

describe('platform-init', () => {
  const stack = useStack();

  const init = () =>
    run(process.execPath, [join(__dirname, '../dist/main.js')], { env: platformInitEnv(stack) });

  it('sets up topics, schemas and the running outbox connector, and can run again', async () => {
    await init();
    const again = await init();
    expect(again.stdout).toContain('0 topics created');
    expect(again.stdout).toContain('connector order-platform-outbox is RUNNING');

    const status = await new KafkaConnectClient(stack.connectUrl).status('order-platform-outbox');
    expect(status?.tasks.map((t) => t.state)).toEqual(['RUNNING']);

    const kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: 'platform-init-test' });
    await kafka.withAdmin(async (admin) => {
      const counts = await admin.partitionCounts(TOPICS.map((t) => t.topic));
      for (const spec of TOPICS) expect(counts.get(spec.topic), spec.topic).toBe(spec.partitions);
      expect(await admin.listTopics()).toContain('__debezium-heartbeat.order-platform');
    });

    const subjects = (await (await fetch(`${stack.schemaRegistryUrl}/subjects`)).json()) as string[];
    for (const spec of TOPICS) expect(subjects).toContain(spec.subject);
  });

  it('refuses to run with bad settings, naming each (unset, they default to the native stack)', async () => {
    const failure = await run(process.execPath, [join(__dirname, '../dist/main.js')], {
      env: {
        PATH: process.env.PATH ?? '',
        KAFKA_BROKERS: ' ',
        SCHEMA_REGISTRY_URL: 'not a url',
        KAFKA_CONNECT_URL: 'not a url either',
      },
    }).catch((error: { code: number; stderr: string }) => error);
    expect(failure).toMatchObject({ code: 1 });
    expect((failure as { stderr: string }).stderr).toMatch(
      /KAFKA_BROKERS.*SCHEMA_REGISTRY_URL.*KAFKA_CONNECT_URL/s,
    );
  });
});
