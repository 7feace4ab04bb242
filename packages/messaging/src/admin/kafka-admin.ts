import { AssignerProtocol, ConfigResourceTypes, type Admin, type Kafka } from 'kafkajs';
import { LazyConnection } from '../lazy-connection';
import { ensureTopics } from '../topics';

/** A topic as the platform declares it: its partition count and topic-level configuration. */
export interface TopicSpec {
  topic: string;
  partitions?: number;
  config?: Readonly<Record<string, string>>;
}

/** A partition's offsets. `high` is the end offset: transaction markers take offsets too. */
export interface PartitionOffsets {
  partition: number;
  low: number;
  high: number;
}

/** Where a consumer group stands on one partition. */
export interface GroupPosition extends PartitionOffsets {
  topic: string;
  /** The group's committed offset (the next record it reads), -1 when it has none. */
  committed: number;
  /** Where the group goes on: its committed offset, or the low watermark when it has none. */
  next: number;
}

/**
 * What the platform asks of Kafka's admin API, in its own terms. The committed-versus-end
 * offsets arithmetic (lag, what a replay or redrive still has to read, what the inbox may
 * forget) lives here once, in positions(). The connection opens on first use.
 */
export class KafkaAdmin {
  private readonly connection: LazyConnection<Admin>;

  constructor(kafka: Kafka) {
    this.connection = new LazyConnection(() => kafka.admin());
  }

  /** The number of brokers and the controller's id: "does the cluster answer?". */
  async cluster(): Promise<{ brokers: number; controller: number | null }> {
    const { brokers, controller } = await (await this.admin()).describeCluster();
    return { brokers: brokers.length, controller };
  }

  async listTopics(): Promise<string[]> {
    return (await this.admin()).listTopics();
  }

  /** Partition counts of existing topics (a topic that does not exist is left out). */
  async partitionCounts(topics: readonly string[]): Promise<Map<string, number>> {
    const present = new Set(await this.listTopics());
    const wanted = topics.filter((t) => present.has(t));
    if (wanted.length === 0) return new Map();
    const { topics: metadata } = await (await this.admin()).fetchTopicMetadata({ topics: wanted });
    return new Map(metadata.map((t) => [t.name, t.partitions.length]));
  }

  /** Creates the topics that do not exist and waits for their leaders; returns those it created. */
  async ensureTopics(topics: readonly TopicSpec[], timeoutMs = 30_000): Promise<string[]> {
    return ensureTopics(
      await this.admin(),
      topics.map((t) => ({
        topic: t.topic,
        ...(t.partitions === undefined ? {} : { numPartitions: t.partitions }),
        configEntries: Object.entries(t.config ?? {}).map(([name, value]) => ({ name, value })),
      })),
      timeoutMs,
    );
  }

  /** The topic's configuration values that are set on the topic itself (not broker defaults). */
  async topicConfig(topic: string): Promise<Record<string, string>> {
    const { resources } = await (
      await this.admin()
    ).describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }],
    });
    const entries = resources[0]?.configEntries ?? [];
    return Object.fromEntries(entries.filter((e) => !e.isDefault).map((e) => [e.configName, e.configValue]));
  }

  /**
   * Sets the topic's own configuration to exactly `config` (values not named go back to the
   * broker's defaults): for topics whose configuration a catalogue owns whole.
   */
  async setTopicConfig(topic: string, config: Readonly<Record<string, string>>): Promise<void> {
    await (
      await this.admin()
    ).alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: topic,
          configEntries: Object.entries(config).map(([name, value]) => ({ name, value })),
        },
      ],
    });
  }

  async deleteTopics(topics: readonly string[]): Promise<void> {
    await (await this.admin()).deleteTopics({ topics: [...topics] });
  }

  async offsets(topic: string): Promise<PartitionOffsets[]> {
    const ends = await (await this.admin()).fetchTopicOffsets(topic);
    return ends
      .map((o) => ({ partition: o.partition, low: Number(o.low), high: Number(o.high) }))
      .sort((a, b) => a.partition - b.partition);
  }

  /** The group's committed offsets on `topics` (-1 where it has none). */
  async committed(
    groupId: string,
    topics: readonly string[],
  ): Promise<{ topic: string; partition: number; offset: number }[]> {
    const fetched = await (await this.admin()).fetchOffsets({ groupId, topics: [...topics] });
    return fetched.flatMap(({ topic, partitions }) =>
      partitions.map((p) => ({ topic, partition: p.partition, offset: Number(p.offset) })),
    );
  }

  /** The group's position on every partition of `topics`, beside the partitions' offsets. */
  async positions(groupId: string, topics: readonly string[]): Promise<GroupPosition[]> {
    const committed = new Map(
      (await this.committed(groupId, topics)).map((c) => [`${c.topic}:${c.partition}`, c.offset]),
    );
    const positions: GroupPosition[] = [];
    for (const topic of topics) {
      for (const o of await this.offsets(topic)) {
        const done = committed.get(`${topic}:${o.partition}`) ?? -1;
        positions.push({ topic, ...o, committed: done, next: Math.max(done, o.low) });
      }
    }
    return positions;
  }

  /**
   * Per topic, the records behind the group's committed offsets. A topic written in Kafka
   * transactions keeps a commit marker after its last record, which no consumer commits
   * past until a later record arrives: so 1 per such partition can mean "caught up".
   */
  async lag(groupId: string, topics: readonly string[]): Promise<Record<string, number>> {
    const lag: Record<string, number> = Object.fromEntries(topics.map((t) => [t, 0]));
    for (const p of await this.positions(groupId, topics)) lag[p.topic]! += Math.max(0, p.high - p.next);
    return lag;
  }

  /** The group's state as the coordinator reports it ('Dead' for a group it does not know). */
  async groupState(groupId: string): Promise<string> {
    const { groups } = await (await this.admin()).describeGroups([groupId]);
    return groups[0]?.state ?? 'Dead';
  }

  /**
   * The consumer groups whose members are assigned any of `topics` now, with those topics:
   * whoever would act on a record written there. Groups without members are left out.
   */
  async readersOf(topics: readonly string[]): Promise<{ groupId: string; topics: string[] }[]> {
    const admin = await this.admin();
    const wanted = new Set(topics);
    const ids = (await admin.listGroups()).groups
      .filter((g) => g.protocolType === 'consumer')
      .map((g) => g.groupId);
    if (ids.length === 0) return [];
    const readers: { groupId: string; topics: string[] }[] = [];
    for (const group of (await admin.describeGroups(ids)).groups) {
      const read = new Set<string>();
      for (const member of group.members) {
        const assigned = AssignerProtocol.MemberAssignment.decode(member.memberAssignment)?.assignment ?? {};
        for (const topic of Object.keys(assigned)) if (wanted.has(topic)) read.add(topic);
      }
      if (read.size > 0) readers.push({ groupId: group.groupId, topics: [...read].sort() });
    }
    return readers.sort((a, b) => a.groupId.localeCompare(b.groupId));
  }

  /** Deletes the group (its committed offsets); a group that does not exist is no error. */
  async deleteGroup(groupId: string): Promise<void> {
    if ((await this.groupState(groupId)) === 'Dead') return;
    await (await this.admin()).deleteGroups([groupId]);
  }

  async close(): Promise<void> {
    await this.connection.close();
  }

  private admin(): Promise<Admin> {
    return this.connection.get();
  }
}
