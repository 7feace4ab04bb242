import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { type Component, type StackContext, stackComponent } from '../component';
import { commitInstall, isInstalled, temporaryDir } from '../install-cache';
import { maven, requireJava17 } from '../installer';
import { kafkaReady } from '../probes';
import { readTail, runCommand } from '../run-command';
import { renderFile } from '../template';
import { dataDirOf, logFileOf, version } from '../stack-context';
import {
  heapOpts,
  javaEnv,
  jvmCommonOpts,
  kafkaClusterId,
  kafkaLib,
  log4jConfig,
  templateValues,
} from './java';

/** Fetches the Kafka jars with mvn copy-dependencies over infra/native/pom.xml. */
export async function installKafkaJars(ctx: StackContext): Promise<void> {
  await requireJava17();
  const lib = kafkaLib(ctx);
  if (isInstalled(lib)) return;
  const kafkaVersion = version(ctx, 'KAFKA_VERSION');
  const scala = version(ctx, 'SCALA_BINARY_VERSION');
  ctx.log(`kafka: fetching Kafka ${kafkaVersion} jars from Maven Central into ${lib}`);
  const tmp = temporaryDir(lib);
  await maven(ctx, 'kafka: mvn dependency:copy-dependencies', [
    'dependency:copy-dependencies',
    '-DincludeScope=runtime',
    `-DoutputDirectory=${tmp}`,
    `-Dkafka.version=${kafkaVersion}`,
    `-Dscala.binary.version=${scala}`,
  ]);
  if (!existsSync(join(tmp, `kafka_${scala}-${kafkaVersion}.jar`))) {
    throw new Error('kafka: broker jar missing after download');
  }
  commitInstall(tmp, lib);
}

export function kafka(ctx: StackContext): Component {
  const data = dataDirOf(ctx, 'kafka');
  const conf = join(ctx.stackDir, 'conf', 'kafka.properties');
  const logFile = logFileOf(ctx, { name: 'kafka', kind: 'stack' });
  return stackComponent(ctx, {
    name: 'kafka',
    startTimeoutSeconds: 120,
    install: () => installKafkaJars(ctx),

    async start() {
      const logDir = join(data, 'log');
      mkdirSync(data, { recursive: true });
      renderFile(
        join(ctx.repoRoot, 'infra/native/conf/kafka-server.properties'),
        conf,
        templateValues(ctx, { KAFKA_LOG_DIR: logDir }),
      );
      if (!existsSync(join(logDir, 'meta.properties'))) {
        ctx.log(`kafka: formatting storage in ${logDir}`);
        const format = await runCommand(
          'java',
          [
            '-Xmx128m',
            log4jConfig(ctx, 'log4j-tools.properties'),
            '-cp',
            `${kafkaLib(ctx)}/*`,
            'kafka.tools.StorageTool',
            'format',
            '-t',
            kafkaClusterId(),
            '-c',
            conf,
          ],
          { logFile, env: javaEnv(ctx) },
        );
        if (format.code !== 0) throw new Error('kafka: kafka-storage format failed');
      }
      return {
        command: 'java',
        args: [
          ...heapOpts(ctx, 'KAFKA_HEAP_OPTS', '-Xms64m -Xmx512m'),
          ...jvmCommonOpts,
          '-Dorder-platform.component=kafka',
          log4jConfig(ctx, 'log4j.properties'),
          `-Dkafka.logs.dir=${join(ctx.stackDir, 'logs')}`,
          '-cp',
          `${kafkaLib(ctx)}/*`,
          'kafka.Kafka',
          conf,
        ],
        cwd: data,
        env: javaEnv(ctx),
      };
    },

    ready: () => kafkaReady(ctx.ports.kafka),

    info() {
      const log = readTail(logFile);
      const running = [...log.matchAll(/Kafka version: (\S+)/g)].at(-1)?.[1] ?? version(ctx, 'KAFKA_VERSION');
      return Promise.resolve(
        `kafka     ready  127.0.0.1:${ctx.ports.kafka} (controller 127.0.0.1:${ctx.ports.kafkaController})  Kafka ${running} (KRaft)`,
      );
    },

    wipe() {
      rmSync(data, { recursive: true, force: true });
      return Promise.resolve();
    },
  });
}
