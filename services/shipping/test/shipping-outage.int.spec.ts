import { randomUUID } from 'node:crypto';
import { anOrderConfirmed } from '@order-platform/contracts/testing';
import { EventBus } from '@order-platform/service-kit/testing';
import {
  eventually,
  runPlatformInit,
  serviceDatabaseUrl,
  startOnStack,
  TcpProxy,
  useStack,
  waitForHttp,
  type ServiceProcess,
} from '@order-platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const stack = useStack();

async function readyStatus(service: ServiceProcess): Promise<number | undefined> {
  try {
    const response = await fetch(`${service.url}/health/ready`, { signal: AbortSignal.timeout(3000) });
    return response.status;
  } catch {
    return undefined;
  }
}

async function shipmentStatus(service: ServiceProcess, orderId: string): Promise<string | undefined> {
  const response = await fetch(`${service.url}/shipments/${orderId}`);
  if (response.status !== 200) return undefined;
  return ((await response.json()) as { status: string | null }).status ?? undefined;
}

/**
 * A Postgres outage, for this process only: its DATABASE_URL goes through a TCP proxy
 * that drops every connection and refuses new ones for a while. Before the platform's
 * pools handled connection errors, the first broken idle connection killed the process.
 */
describe('shipping through a Postgres outage', () => {
  const bus = new EventBus(stack);
  let proxy: TcpProxy;
  let service: ServiceProcess;

  beforeAll(async () => {
    runPlatformInit(stack);
    proxy = await TcpProxy.start({ host: stack.postgres.host, port: stack.postgres.port });
    service = await startOnStack(stack, 'shipping', {
      env: {
        DATABASE_URL: proxy.rewrite(serviceDatabaseUrl(stack, 'shipping')),
        PG_CONNECTION_TIMEOUT_MS: '1000',
        SHIPPING_DISPATCH_DELAY_MS: '100',
        SHIPPING_IN_TRANSIT_DELAY_MS: '100',
        SHIPPING_DELIVERY_DELAY_MS: '100',
        SHIPPING_POLL_INTERVAL_MS: '50',
        // Housekeeping every half second, pruning every row below the committed offsets.
        HOUSEKEEPING_INTERVAL_MS: '500',
        INBOX_RETENTION_MS: '0',
      },
    });
  });

  afterAll(async () => {
    await service?.stop('SIGTERM');
    await proxy?.close();
    await bus.close();
  });

  it('does not exit while its database is unreachable, and is ready, shipping and housekeeping again once it answers', async () => {
    const before = randomUUID();
    await bus.publish('order.order-confirmed.v1', anOrderConfirmed({ aggregateId: before }));
    await eventually('the first delivery', async () =>
      (await shipmentStatus(service, before)) === 'DELIVERED' ? true : undefined,
    );

    await proxy.cut();
    const during = randomUUID();
    await bus.publish('order.order-confirmed.v1', anOrderConfirmed({ aggregateId: during }));
    // (The consumer's hold is proven in packages/messaging; here its partition may belong to
    // another shipping instance in the same group, so only the scheduler is sure to notice.)
    await eventually('readiness, the scheduler and housekeeping to notice the outage', async () => {
      if (service.child.exitCode !== null) throw new Error(`shipping exited:\n${service.output()}`);
      const output = service.output();
      return (await readyStatus(service)) === 503 &&
        output.includes('scheduler poll failed') &&
        output.includes('housekeeping poll failed')
        ? true
        : undefined;
    });
    expect(service.child.exitCode).toBeNull();

    await proxy.restore();
    await waitForHttp(service, '/health/ready', 200, 60_000);
    await eventually('the order confirmed during the outage to be delivered', async () =>
      (await shipmentStatus(service, during)) === 'DELIVERED' ? true : undefined,
    );
    expect(service.child.exitCode).toBeNull();
    expect(service.output()).toContain('postgres connection lost');
    // Housekeeping's rounds failed during the outage, were logged, and the schedule went on.
    await eventually('housekeeping to prune inbox rows after the outage', () =>
      service.output().includes('inbox rows pruned') ? true : undefined,
    );
  });
});
