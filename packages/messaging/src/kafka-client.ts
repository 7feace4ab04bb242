import {
  Kafka,
  logLevel,
  Partitioners,
  type LogEntry,
  type logCreator,
  type Producer,
  type ProducerConfig,
} from 'kafkajs';
import { KafkaAdmin } from './admin/kafka-admin';

/** The slice of a logger the messaging layer writes to (pino and Nest's Logger both fit). */
export interface MessagingLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface KafkaSettings {
  brokers: string[];
  clientId: string;
  logger?: MessagingLogger;
}

const levelNames: Record<logLevel, keyof MessagingLogger | undefined> = {
  [logLevel.NOTHING]: undefined,
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

function toLogCreator(logger: MessagingLogger): logCreator {
  return () =>
    ({ namespace, level, log }: LogEntry) => {
      const method = levelNames[level];
      if (!method) return;
      const { message, ...extra } = log;
      logger[method]({ ...extra, kafkajs: namespace }, message);
    };
}

/** Parses "host:port,host:port" as the services and tools receive it from the environment. */
export function parseBrokers(value: string): string[] {
  const brokers = value
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b.length > 0);
  for (const broker of brokers) {
    if (!/^[^\s:]+:\d{1,5}$/.test(broker)) throw new Error(`not a host:port broker address: "${broker}"`);
  }
  if (brokers.length === 0) throw new Error('no broker address given');
  return brokers;
}

const kafkajsClients = new WeakMap<KafkaClient, Kafka>();

/**
 * A client of the brokers, the one place a KafkaJS client is made. Outside this package it
 * is opaque: what the rest of the platform needs of Kafka (admin, offsets and lag, consumer
 * runners, test readers and writers) is this package's own API, so that a move to another
 * client library touches this package only.
 */
export class KafkaClient {
  constructor({ brokers, clientId, logger }: KafkaSettings) {
    kafkajsClients.set(
      this,
      new Kafka({
        clientId,
        brokers,
        logLevel: logLevel.WARN,
        ...(logger ? { logCreator: toLogCreator(logger) } : {}),
        retry: { initialRetryTime: 200, retries: 8 },
      }),
    );
  }

  /** An admin connection, opened on first use: close() it when done, or use withAdmin. */
  admin(): KafkaAdmin {
    return new KafkaAdmin(kafkajsOf(this));
  }

  /** Runs `work` with an admin connection that is closed afterwards, whatever happens. */
  async withAdmin<T>(work: (admin: KafkaAdmin) => Promise<T>): Promise<T> {
    const admin = this.admin();
    try {
      return await work(admin);
    } finally {
      await admin.close();
    }
  }
}

export function createKafka(settings: KafkaSettings): KafkaClient {
  return new KafkaClient(settings);
}

/** The KafkaJS client behind `client`, for this package's own modules (index.ts does not export it). */
export function kafkajsOf(client: KafkaClient): Kafka {
  const kafka = kafkajsClients.get(client);
  if (!kafka) throw new Error('not a KafkaClient made by createKafka');
  return kafka;
}

/**
 * A producer that maps keys to partitions as the Java client (and so Debezium) does:
 * KafkaJS's default murmur2 partitioner, never its legacy one, or a redriven or test event
 * would land beside the wrong history.
 */
export function createProducer(
  kafka: Kafka,
  config: Omit<ProducerConfig, 'createPartitioner'> = {},
): Producer {
  return kafka.producer({ ...config, createPartitioner: Partitioners.DefaultPartitioner });
}
