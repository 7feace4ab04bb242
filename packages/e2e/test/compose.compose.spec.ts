import { DELIVERED_ORDER_PATH } from '@order-platform/contracts/testing';
import { eventually, until } from '@order-platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlatformClient, TERMINAL_STATUSES } from '../src/client';
import { ComposeProject, docker } from './compose';
import { emailKind } from './email-kind';

/**
 * docker-compose.yml as a user runs it: every image built by the project from its one base,
 * started health-gated (no sleeps), then driven only through the ports published on
 * 127.0.0.1 and through `compose exec`. The compose layer (`pnpm test:compose`); CI installs
 * an engine first (./dev engine) and sets ORDER_PLATFORM_COMPOSE=required, so that a
 * missing engine fails there instead of skipping.
 */
const project = new ComposeProject('order-platform-compose-test');
const unavailable = project.unavailable();
if (unavailable && process.env.ORDER_PLATFORM_COMPOSE === 'required')
  throw new Error(`ORDER_PLATFORM_COMPOSE=required, but ${unavailable}`);
if (unavailable) process.stdout.write(`compose tests skipped: ${unavailable}\n`);

describe.skipIf(unavailable !== undefined)('the platform under docker compose', () => {
  const client = new PlatformClient(project.endpoints());

  const deliveredWithEmails = async (sku: string) => {
    const orderId = await client.placeOrder({ items: [{ sku, quantity: 1 }], paymentToken: 'tok_ok' });
    const order = await client.waitForStatus(orderId, TERMINAL_STATUSES, 120_000);
    expect(order.status).toBe('DELIVERED');
    expect(order.history.map((h) => h.to)).toEqual(DELIVERED_ORDER_PATH);
    const kinds = await eventually(
      `the emails of ${orderId}`,
      until(
        async () => (await client.emailsFor(orderId)).map((e) => emailKind(e.subject)).sort(),
        (k) => k.length >= 2,
      ),
      60_000,
    );
    expect(kinds).toEqual(['confirmed', 'delivered']);
    return orderId;
  };

  beforeAll(() => {
    // What an interrupted run left behind would hold the ports and the old data.
    project.run(['down', '-v']);
    for (const line of project.up()) process.stdout.write(`${line}\n`);
  });

  afterAll(() => {
    if (process.env.KEEP_COMPOSE !== 'true') project.compose(['down', '-v']);
  });

  it('takes an order through basket to DELIVERED, with its emails, over 127.0.0.1', async () => {
    await deliveredWithEmails('SKU-TEA-001');
  });

  it('publishes every port on 127.0.0.1 only', () => {
    const published = docker(['port', project.containerId('basket')]);
    expect(published.trim().split('\n')).toEqual([`3000/tcp -> 127.0.0.1:${project.env.BASKET_PORT}`]);
  });

  it('rebuilds a view by replaying its topics with compose exec, and the view still shows the order', async () => {
    const orderId = await deliveredWithEmails('SKU-MUG-002');
    const out = project.run([
      'exec',
      '-T',
      'views',
      'node',
      'dist/cli/replay.js',
      'order-timeline',
      '--json',
    ]);
    const result = JSON.parse(out) as { events: number };
    expect(result.events).toBeGreaterThan(0);
    // The emails' own events may still be on their way to the rebuilt view.
    const timeline = await eventually(
      `the rebuilt timeline of ${orderId}`,
      until(
        () => client.timeline(orderId),
        (t) => t?.status === 'DELIVERED' && t.emails.length === 2,
      ),
      60_000,
    );
    expect(timeline.events.length).toBeGreaterThan(0);
  });

  it('brings a killed service container back by its restart policy', async () => {
    const before = project.state('order');
    // SIGKILL of the service's process (the child of the container's init) as a crash would
    // do it; `docker kill` would count as a deliberate stop, which the restart policy respects.
    docker(['exec', project.containerId('order'), 'sh', '-c', 'kill -KILL $(cat /proc/1/task/1/children)']);
    const after = await eventually(
      'the order container restarted and healthy',
      until(
        () => Promise.resolve(project.state('order')),
        (s) => s.restarts > before.restarts && s.health === 'healthy',
      ),
      120_000,
    );
    expect(after.status).toBe('running');
    await deliveredWithEmails('SKU-CUP-004');
  });

  it('leaves nothing behind after down -v', () => {
    project.run(['down', '-v']);
    expect(project.leftovers()).toEqual({ containers: [], volumes: [], networks: [] });
  });
});
