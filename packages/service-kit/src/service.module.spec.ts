import type { FactoryProvider, Provider } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import type { ConsumerDefinition } from './messaging/messaging.lifecycle';
import { CONSUMERS, MIGRATIONS } from './messaging/messaging.lifecycle';
import { serviceModule, sliceConsumers, TriggeredBy, triggeredBy } from './service.module';
import type { BaseConfig } from './config';

class AppModule {}
@TriggeredBy('order.confirm', 'payment.payment-processed.v1')
class Confirm {
  readonly seen: unknown[] = [];
  handle(_tx: unknown, event: unknown): Promise<void> {
    this.seen.push(event);
    return Promise.resolve();
  }
}
class Mail {
  readonly name = 'mail';
}
class Undeclared {
  handle(): Promise<void> {
    return Promise.resolve();
  }
}

const config = {
  SERVICE_NAME: 'test',
  LOG_LEVEL: 'silent',
  KAFKA_BROKERS: '127.0.0.1:9092',
} as unknown as BaseConfig;

const tokenOf = (p: Provider) => (typeof p === 'function' ? p : p.provide);

describe('serviceModule', () => {
  const projector: ConsumerDefinition = { groupId: 'views', handlers: [] };
  const module = serviceModule(AppModule, config, {
    migrations: [],
    providers: [{ provide: Mail, useValue: new Mail() }],
    consumers: [
      triggeredBy(Confirm, { batchSize: 7 }),
      sliceConsumers(Mail, (mail) => [{ groupId: `email.${mail.name}`, handlers: [] }]),
      projector,
    ],
  });
  const providers = module.providers ?? [];

  it('provides the migrations, and each slice class once (unless the module builds it)', () => {
    expect(providers.map(tokenOf).filter((t) => t === MIGRATIONS)).toHaveLength(1);
    expect(providers.map(tokenOf).filter((t) => t === Confirm)).toHaveLength(1);
    expect(providers.map(tokenOf).filter((t) => t === Mail)).toHaveLength(1);
  });

  it('makes the consumers in the declared order from the injected slices', async () => {
    const consumers = providers.find((p) => tokenOf(p) === CONSUMERS) as FactoryProvider;
    expect(consumers.inject).toEqual([Confirm, Mail]);
    const confirm = new Confirm();
    const definitions = consumers.useFactory(confirm, new Mail()) as ConsumerDefinition[];
    expect(definitions.map((d) => d.groupId)).toEqual(['order.confirm', 'email.mail', 'views']);
    expect(definitions[0]).toMatchObject({ batchSize: 7 });
    const handler = definitions[0]!.handlers[0]!;
    expect(handler.topic).toBe('payment.payment-processed.v1');
    await handler.handle({ tx: {}, event: { n: 1 }, identity: {} } as never);
    expect(confirm.seen).toEqual([{ n: 1 }]);
  });

  it('refuses a use case that declares no trigger, naming it', () => {
    expect(() => triggeredBy(Undeclared)).toThrow('Undeclared declares no trigger');
  });
});
