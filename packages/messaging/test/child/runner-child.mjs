// A consumer runner in a child process, so a test can SIGKILL it at an exact point: right
// after the Postgres commit (before the offset commit), or inside the Kafka transaction that
// moves a failed message to a retry topic. Runs the built package (dist/), configured by the
// RUNNER_CHILD environment variable (JSON); prints "ready" once it consumes.
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import pg from 'pg';
import { ConsumerRunner, createKafka } from '../../dist/index.js';

const config = JSON.parse(process.env.RUNNER_CHILD ?? '{}');
const pool = new pg.Pool({ connectionString: config.databaseUrl, max: 4 });
const kill = () => process.kill(process.pid, 'SIGKILL');

const runner = new ConsumerRunner({
  kafka: createKafka({ clientId: 'runner-child', brokers: config.brokers }),
  pool,
  registry: new SchemaRegistry({ host: config.registryUrl }),
  groupId: config.groupId,
  sessionTimeoutMs: 6_000,
  heartbeatIntervalMs: 500,
  maxWaitTimeMs: 200,
  retry: { inProcessAttempts: 1, retryTopicDelaysMs: [200] },
  handlers: [
    {
      topic: config.topic,
      ordering: 'cumulative',
      handle: async ({ tx, event, message }) => {
        if (event.aggregateId === config.failKey && message.topic === config.topic)
          throw new Error('transient failure');
        await tx.query(
          'insert into applied_events (event_id, aggregate_id, sequence, note, topic) values ($1, $2, $3, $4, $5)',
          [event.eventId, event.aggregateId, event.sequence, event.note, config.topic],
        );
      },
    },
  ],
  hooks: {
    afterDatabaseCommit: (messages) => {
      if (config.killAt === 'afterDatabaseCommit' && messages.some((m) => m.key === config.killKey)) kill();
    },
    insideKafkaTransaction: (request) => {
      if (config.killAt === 'insideKafkaTransaction' && request.key?.toString() === config.killKey) kill();
    },
  },
});

await runner.start();
process.stdout.write('ready\n');
