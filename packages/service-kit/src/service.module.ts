import { type DynamicModule, Injectable, type Provider, type Type } from '@nestjs/common';
import type { EventOf, TopicName } from '@order-platform/contracts';
import { topicHandler } from './messaging/catalogue-messaging';
import type { Migration } from '@order-platform/postgres';
import type { PoolClient } from 'pg';
import type { BaseConfig } from './config';
import { CONSUMERS, type ConsumerDefinition, MIGRATIONS } from './messaging/messaging.lifecycle';
import { PlatformModule } from './platform.module';

/** A use-case slice's trigger: the consumer groups in which its handler class runs. */
export interface SliceConsumers {
  slice: Type;
  consumers: (slice: unknown) => ConsumerDefinition[];
}

/**
 * Declares, beside a use case, what triggers it: `slice` is its handler class (Nest makes
 * it), `consumers` says which topics reach it in which consumer groups.
 */
export function sliceConsumers<T>(
  slice: Type<T>,
  consumers: (slice: T) => ConsumerDefinition[],
): SliceConsumers {
  // Nest injects an instance of `slice` and nothing else.
  return { slice, consumers: (instance) => consumers(instance as T) };
}

/** What runs a use case: its consumer group and the one topic it handles. */
export interface Trigger<T extends TopicName = TopicName> {
  readonly groupId: string;
  readonly topic: T;
}

/** A use case run by one topic: the one handler signature. */
export interface TriggeredUseCase<T extends TopicName> {
  handle(tx: PoolClient, event: EventOf<T>): Promise<void>;
}

const triggers = new WeakMap<Type, Trigger>();

/**
 * Marks a use case (injectable, like `@Injectable()`) as run by `topic` in consumer group
 * `groupId`; its `handle(tx, event)` must take that topic's events.
 */
export function TriggeredBy<T extends TopicName>(groupId: string, topic: T) {
  return (useCase: Type<TriggeredUseCase<T>>): void => {
    Injectable()(useCase);
    triggers.set(useCase, { groupId, topic });
  };
}

/** The trigger a use case declares with @TriggeredBy. */
export function triggerOf(useCase: Type): Trigger {
  const trigger = triggers.get(useCase);
  if (!trigger)
    throw new Error(`${useCase.name} declares no trigger: decorate it with @TriggeredBy(groupId, topic)`);
  return trigger;
}

/**
 * The consumers of a use case decorated with @TriggeredBy: its handler runs in that group,
 * for that topic, inside the group's transaction.
 */
export function triggeredBy(
  useCase: Type<TriggeredUseCase<never>>,
  options: Pick<ConsumerDefinition, 'batchSize' | 'retry' | 'partitionsConsumedConcurrently'> = {},
): SliceConsumers {
  const { groupId, topic } = triggerOf(useCase);
  return sliceConsumers(useCase, (instance) => [
    {
      groupId,
      handlers: [topicHandler(topic, ({ tx, event }) => instance.handle(tx, event as never))],
      ...options,
    },
  ]);
}

export interface ServiceModuleOptions {
  /** The service's tables, in order (they run after messaging's, before any consumer starts). */
  migrations: readonly Migration[];
  controllers?: Type[];
  /** Repositories, clients and whatever else the use cases need. */
  providers?: Provider[];
  /**
   * What the service consumes: each slice's declaration (its class is provided here unless
   * `providers` builds it), or a consumer group that needs no class of its own.
   */
  consumers?: (SliceConsumers | ConsumerDefinition)[];
}

const provides = (provider: Provider, token: unknown): boolean =>
  provider === token || (typeof provider === 'object' && 'provide' in provider && provider.provide === token);

/**
 * A service's module, wired one way: the platform (config, logging, Postgres, Kafka, the
 * registry, health, housekeeping), its migrations, its controllers and providers, and the
 * consumers its slices declare.
 */
export function serviceModule(
  module: Type,
  config: BaseConfig,
  options: ServiceModuleOptions,
): DynamicModule {
  const providers = options.providers ?? [];
  const declared = options.consumers ?? [];
  const slices = declared.filter((c): c is SliceConsumers => 'slice' in c);
  return {
    module,
    imports: [PlatformModule.forRoot(config)],
    controllers: options.controllers ?? [],
    providers: [
      { provide: MIGRATIONS, useValue: options.migrations },
      ...providers,
      ...slices.map((s) => s.slice).filter((slice) => !providers.some((p) => provides(p, slice))),
      {
        provide: CONSUMERS,
        inject: slices.map((s) => s.slice),
        useFactory: (...instances: unknown[]): ConsumerDefinition[] => {
          let next = 0;
          return declared.flatMap((c) => ('slice' in c ? c.consumers(instances[next++]) : [c]));
        },
      },
    ],
  };
}
