import { randomUUID } from 'node:crypto';
import {
  anOrderCancelled,
  anOrderCompleted,
  anOrderConfirmed,
  anOrderRejected,
} from '@order-platform/contracts/testing';
import {
  eventually,
  freePort,
  runPlatformInit,
  serviceDatabaseUrl,
  type ServiceProcess,
  startOnStack,
  useStack,
} from '@order-platform/testing';
import { createTransport } from 'nodemailer';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settled } from '@order-platform/messaging/testing';
import { EventBus, type ReadEvent } from '@order-platform/service-kit/testing';

const stack = useStack();

/** A message as maildev's REST API lists it. */
interface InboxMessage {
  subject: string;
  to: { address: string }[];
  text: string;
  html: string;
  messageId: string;
}

async function inbox(orderId: string): Promise<InboxMessage[]> {
  const response = await fetch(`${stack.smtp.webUrl}/email`);
  const all = (await response.json()) as InboxMessage[];
  return all.filter((m) => m.subject.includes(orderId));
}

describe('email', () => {
  const bus = new EventBus(stack);
  const orderIds = new Set<string>();
  let db: Client;
  let service: ServiceProcess;
  let sent: ReadEvent<'email.email-sent.v1'>[];
  // The link points at a views service on a port of this run's own, not the default: the
  // link shows the setting is used, and no views service runs there until a test starts one.
  let viewsPort: number;
  const pageOf = (orderId: string) => `http://127.0.0.1:${viewsPort}/orders/${orderId}/timeline`;

  const newOrderId = () => {
    const id = randomUUID();
    orderIds.add(id);
    return id;
  };
  const sentFor = (orderId: string) =>
    sent.filter((s) => s.key === orderId).sort((a, b) => a.event.sequence - b.event.sequence);

  beforeAll(async () => {
    runPlatformInit(stack);
    viewsPort = await freePort();
    db = new Client({ connectionString: serviceDatabaseUrl(stack, 'email') });
    await db.connect();
    service = await startOnStack(stack, 'email', {
      env: {
        SMTP_HOST: stack.smtp.host,
        SMTP_PORT: String(stack.smtp.port),
        SMTP_LOOKUP_URL: stack.smtp.webUrl,
        ORDER_PAGE_URL: `http://127.0.0.1:${viewsPort}/orders/{orderId}/timeline`,
      },
    });
    sent = await bus.read('email.email-sent.v1', orderIds);
  });

  afterAll(async () => {
    await service?.stop('SIGTERM');
    await bus.close();
    await db?.end();
  });

  it('sends the email while views is not running at all, and its link then answers "being prepared"', async () => {
    const confirmed = anOrderConfirmed({ aggregateId: newOrderId() });
    const orderId = confirmed.aggregateId;
    const link = pageOf(orderId);
    // Nothing answers the link: the read side is down.
    await expect(fetch(link, { signal: AbortSignal.timeout(2_000) })).rejects.toThrow();
    await bus.publish('order.order-confirmed.v1', confirmed);
    const [message] = await eventually('the email while views is down', async () => {
      const found = await inbox(orderId);
      return found.length > 0 ? found : undefined;
    });
    expect(message?.text).toContain(`Your order: ${link}`);

    // The read side comes back but has not caught up: its projector cannot reach Kafka here
    // (a port nothing listens on), so the view does not have the order, as after a restart.
    const views = await startOnStack(stack, 'views', {
      env: { PORT: String(viewsPort), KAFKA_BROKERS: `127.0.0.1:${await freePort()}` },
      until: '/health/live',
    });
    try {
      // At once, whatever its start-up has done so far: the link never shows an error.
      const response = await fetch(link, { signal: AbortSignal.timeout(5_000) });
      expect(response.status).toBe(200);
      const page = (await response.json()) as Record<string, unknown>;
      expect(page).toMatchObject({ orderId, preparing: true, status: 'PREPARING', events: [] });
      expect(page.message).toContain('being prepared');
    } finally {
      await views.stop('SIGTERM');
    }
  });

  it('settles an earlier attempt by asking the sink: delivered then, not sent again; lost, sent once', async () => {
    const delivered = anOrderConfirmed({ aggregateId: newOrderId() });
    const lost = anOrderConfirmed({ aggregateId: newOrderId() });
    const messageIdOf = (orderId: string) => `<${orderId}.order-confirmed@order-platform.local>`;
    // A crash after the SMTP server accepted the first email, before the commit: the attempt
    // is noted and the email is in the sink, but nothing is recorded sent.
    const smtp = createTransport({ host: stack.smtp.host, port: stack.smtp.port, secure: false });
    await smtp.sendMail({
      from: 'orders@order-platform.local',
      to: delivered.customerEmail,
      subject: `Your order ${delivered.aggregateId} is confirmed`,
      text: 'the first attempt',
      messageId: messageIdOf(delivered.aggregateId),
    });
    smtp.close();
    // The second attempt was noted but never reached the sink.
    for (const event of [delivered, lost])
      await db.query('insert into email_send_attempts (message_id) values ($1)', [
        messageIdOf(event.aggregateId),
      ]);

    await bus.publish('order.order-confirmed.v1', delivered);
    await bus.publish('order.order-confirmed.v1', lost);
    for (const event of [delivered, lost])
      await eventually(`EmailSent for ${event.aggregateId}`, () => {
        const events = sentFor(event.aggregateId);
        return Promise.resolve(events.length > 0 ? events : undefined);
      });
    expect((await inbox(delivered.aggregateId)).map((m) => m.text.trim())).toEqual(['the first attempt']);
    expect(await inbox(lost.aggregateId)).toHaveLength(1);
  });

  it('sends one email per event, naming the order and linking to its page, and emits EmailSent', async () => {
    const cases = [
      { kind: 'ORDER_CONFIRMED', event: anOrderConfirmed({ aggregateId: newOrderId() }) },
      { kind: 'ORDER_CANCELLED', event: anOrderCancelled({ aggregateId: newOrderId() }) },
      { kind: 'ORDER_REJECTED', event: anOrderRejected({ aggregateId: newOrderId() }) },
      { kind: 'ORDER_DELIVERED', event: anOrderCompleted({ aggregateId: newOrderId() }) },
    ] as const;
    await bus.publish('order.order-confirmed.v1', cases[0].event);
    await bus.publish('order.order-cancelled.v1', cases[1].event);
    await bus.publish('order.order-rejected.v1', cases[2].event);
    await bus.publish('order.order-completed.v1', cases[3].event);

    for (const { kind, event } of cases) {
      const orderId = event.aggregateId;
      const [message] = await eventually(`the ${kind} email`, async () => {
        const found = await inbox(orderId);
        return found.length > 0 ? found : undefined;
      });
      expect(message?.to.map((t) => t.address)).toEqual([event.customerEmail]);
      expect(message?.text).toContain(`Your order: ${pageOf(orderId)}`);
      expect(message?.text).not.toContain('{orderId}');
      expect(message?.html).toContain(`href="${pageOf(orderId)}"`);

      const [emailSent] = await eventually(`EmailSent for ${kind}`, () => {
        const found = sentFor(orderId);
        return found.length > 0 ? found : undefined;
      });
      expect(emailSent?.event).toMatchObject({
        aggregateId: orderId,
        sequence: 1,
        kind,
        recipient: event.customerEmail,
        subject: message?.subject,
        correlationId: event.correlationId,
        causationId: event.eventId,
      });
      expect(emailSent?.event.smtpMessageId).toContain(orderId);
      expect(emailSent?.event.history).toEqual([
        expect.objectContaining({ emailId: emailSent?.event.emailId, kind, subject: message?.subject }),
      ]);
    }
    const { rows } = await db.query<{ kind: string }>(
      'select kind from sent_emails where order_id = any($1::uuid[]) order by kind',
      [cases.map((c) => c.event.aggregateId)],
    );
    expect(rows.map((r) => r.kind)).toEqual([
      'ORDER_CANCELLED',
      'ORDER_CONFIRMED',
      'ORDER_DELIVERED',
      'ORDER_REJECTED',
    ]);
  });

  it('sends an email once, however often its event arrives', async () => {
    const orderId = newOrderId();
    const confirmed = anOrderConfirmed({ aggregateId: orderId });
    await bus.publishTwice('order.order-confirmed.v1', confirmed);
    // The same confirmation re-emitted under a new event id.
    await bus.publish('order.order-confirmed.v1', { ...confirmed, eventId: randomUUID(), sequence: 2 });

    await eventually('the email', async () => ((await inbox(orderId)).length > 0 ? true : undefined));
    await eventually('EmailSent', () => (sentFor(orderId).length > 0 ? true : undefined));
    // Every copy handled: a wrongly sent second email would be in the sink by now (a
    // handler returns only after the sink took the message), its EmailSent in the outbox.
    await settled(bus.kafka, [
      { groupId: 'email.send-on-order-confirmed', topics: ['order.order-confirmed.v1'] },
    ]);
    expect(await inbox(orderId)).toHaveLength(1);
    expect(sentFor(orderId)).toHaveLength(1);
    const { rows } = await db.query('select 1 from sent_emails where order_id = $1', [orderId]);
    expect(rows).toHaveLength(1);
    const outbox = await db.query('select 1 from email.outbox where aggregateid = $1', [orderId]);
    expect(outbox.rows).toHaveLength(1);
  });

  it('carries the order’s whole email history in each EmailSent', async () => {
    const orderId = newOrderId();
    await bus.publish('order.order-confirmed.v1', anOrderConfirmed({ aggregateId: orderId }));
    await eventually('the first EmailSent', () => (sentFor(orderId).length > 0 ? true : undefined));
    await bus.publish('order.order-completed.v1', anOrderCompleted({ aggregateId: orderId, sequence: 9 }));
    const events = await eventually('both EmailSent', () => {
      const found = sentFor(orderId);
      return found.length >= 2 ? found : undefined;
    });
    expect(events.map((e) => [e.event.sequence, e.event.kind])).toEqual([
      [1, 'ORDER_CONFIRMED'],
      [2, 'ORDER_DELIVERED'],
    ]);
    expect(events[1]?.event.history.map((h) => h.kind)).toEqual(['ORDER_CONFIRMED', 'ORDER_DELIVERED']);
    expect(events[1]?.event.history[0]).toEqual(events[0]?.event.history[0]);
    expect(await inbox(orderId)).toHaveLength(2);
  });

  it('dead-letters an event whose address cannot receive mail, and goes on', async () => {
    const badOrder = newOrderId();
    const goodOrder = newOrderId();
    const deadLetters = await bus.read(
      'order.order-rejected.v1',
      orderIds,
      'email.send-on-order-rejected.order.order-rejected.v1.dlq',
    );
    await bus.publish(
      'order.order-rejected.v1',
      anOrderRejected({ aggregateId: badOrder, customerEmail: 'nobody' }),
    );
    await bus.publish('order.order-rejected.v1', anOrderRejected({ aggregateId: goodOrder }));

    await eventually('the dead letter', () =>
      deadLetters.some((d) => d.key === badOrder) ? true : undefined,
    );
    await eventually('the next order’s email', async () =>
      (await inbox(goodOrder)).length > 0 ? true : undefined,
    );
    const { rows } = await db.query('select 1 from sent_emails where order_id = $1', [badOrder]);
    expect(rows).toHaveLength(0);
  });
});
