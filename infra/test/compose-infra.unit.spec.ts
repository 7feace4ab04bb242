// Static checks that docker-compose.yml runs the infrastructure the way the architecture
// relies on, and in step with the native stack's configuration (infra/native/conf).
import { describe, expect, it } from 'vitest';
import { compose, HOST_PORTS, healthcheckTest, service } from './support/compose-model';
import {
  type ComposeService,
  commandWords,
  environmentOf,
  parseProperties,
  publishedPortsOf,
  readRepoFile,
} from './support/repo-files';

describe('infrastructure settings the architecture relies on', () => {
  it.each(Object.entries(HOST_PORTS))('%s publishes its default ports', (name, ports) => {
    expect([...publishedPortsOf(service(name)).keys()].sort()).toEqual([...ports].sort());
  });

  it('runs Postgres with logical decoding and the project init script', () => {
    const postgres = service('postgres');
    const command = commandWords(postgres.command).join(' ');

    expect(command).toMatch(/\bwal_level=logical\b/);
    expect(command).toMatch(/\bmax_replication_slots=\d+/);
    expect(command).toMatch(/\bmax_wal_senders=\d+/);
    expect(environmentOf(postgres).get('POSTGRES_DB')).toBe('platform');
    expect(postgres.volumes).toContainEqual(
      expect.stringMatching(
        /^\.\/infra\/postgres\/init\.sql:\/docker-entrypoint-initdb\.d\/[^:]+\.sql(:ro)?$/,
      ),
    );
  });

  it('keeps Postgres and Kafka data in named volumes', () => {
    const named = Object.keys(compose.volumes ?? {});
    const mountsNamedVolume = (svc: ComposeService, target: string) =>
      (svc.volumes ?? []).some((volume) => {
        if (typeof volume !== 'string')
          return named.includes(volume.source ?? '') && volume.target === target;
        const [source, mountPoint] = volume.split(':');
        return named.includes(source ?? '') && mountPoint === target;
      });

    expect(mountsNamedVolume(service('postgres'), '/var/lib/postgresql/data')).toBe(true);
    expect(
      mountsNamedVolume(service('kafka'), environmentOf(service('kafka')).get('KAFKA_LOG_DIRS') ?? ''),
    ).toBe(true);
  });

  it('runs Kafka as a single KRaft broker+controller that creates no topics by itself', () => {
    const env = environmentOf(service('kafka'));
    expect(env.get('KAFKA_PROCESS_ROLES')).toBe('broker,controller');
    expect(env.has('KAFKA_ZOOKEEPER_CONNECT')).toBe(false);
    expect(env.get('KAFKA_AUTO_CREATE_TOPICS_ENABLE')).toBe('false');
    expect(env.get('KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR')).toBe('1');
    expect(env.get('KAFKA_ADVERTISED_LISTENERS')).toContain('://kafka:9092');
  });

  it('runs Connect distributed with exactly-once source support', () => {
    const env = environmentOf(service('connect'));
    expect(env.get('CONNECT_EXACTLY_ONCE_SOURCE_SUPPORT')).toBe('enabled');
    for (const topic of ['CONFIG', 'OFFSET', 'STATUS']) {
      expect(env.get(`CONNECT_${topic}_STORAGE_TOPIC`), topic).toBeTruthy();
      expect(env.get(`CONNECT_${topic}_STORAGE_REPLICATION_FACTOR`), topic).toBe('1');
    }
    expect(Number(env.get('CONNECT_SCHEDULED_REBALANCE_MAX_DELAY_MS'))).toBeLessThanOrEqual(10_000);
  });

  it('starts the registry with the global compatibility rule BACKWARD', () => {
    const env = environmentOf(service('apicurio'));
    expect(env.get('APICURIO_RULES_GLOBAL_COMPATIBILITY')).toBe('BACKWARD');
    expect(env.get('JAVA_OPTS_APPEND')).toContain('-Dapicurio.rules.global.compatibility=BACKWARD');
    expect(healthcheckTest(service('apicurio')).join(' ')).toContain('grep -q BACKWARD');
  });
});

describe('in step with the native stack (infra/native/conf)', () => {
  const nativeConf = (file: string) => parseProperties(readRepoFile('infra', 'native', 'conf', file));

  it('configures the Connect worker alike', () => {
    const native = nativeConf('connect-distributed.properties');
    const env = environmentOf(service('connect'));
    const local = new Set(['bootstrap.servers', 'listeners', 'plugin.path']);
    const differences = [...native]
      .filter(([key]) => !local.has(key) && !key.startsWith('rest.'))
      .map(([key, value]) => {
        // infra/docker/kafka-entrypoint.sh: CONNECT_A_B -> a.b
        const variable = `CONNECT_${key.replaceAll('.', '_').toUpperCase()}`;
        return { key, native: value, compose: env.get(variable) };
      })
      .filter((entry) => entry.native !== entry.compose);
    expect(differences).toEqual([]);
  });

  it('configures the Kafka broker alike', () => {
    const native = nativeConf('kafka-server.properties');
    const env = environmentOf(service('kafka'));
    for (const key of [
      'process.roles',
      'auto.create.topics.enable',
      'num.partitions',
      'default.replication.factor',
      'min.insync.replicas',
      'offsets.topic.replication.factor',
      'transaction.state.log.replication.factor',
      'transaction.state.log.min.isr',
      'group.initial.rebalance.delay.ms',
      'transaction.abort.timed.out.transaction.cleanup.interval.ms',
    ]) {
      expect(env.get(`KAFKA_${key.replaceAll('.', '_').toUpperCase()}`), key).toBe(native.get(key));
    }
  });

  it("configures Postgres replication and the benchmark's bookkeeping alike", () => {
    const native = nativeConf('postgresql.conf');
    const command = commandWords(service('postgres').command);
    for (const key of [
      'wal_level',
      'max_replication_slots',
      'max_wal_senders',
      'max_slot_wal_keep_size',
      'track_commit_timestamp',
      'shared_preload_libraries',
      'pg_stat_statements.track',
    ]) {
      expect(command, key).toContain(`${key}=${native.get(key)}`);
    }
  });

  it('gives the registry the same global rule', () => {
    const native = nativeConf('registry.properties');
    expect(environmentOf(service('apicurio')).get('APICURIO_RULES_GLOBAL_COMPATIBILITY')).toBe(
      native.get('apicurio.rules.global.compatibility'),
    );
  });
});
