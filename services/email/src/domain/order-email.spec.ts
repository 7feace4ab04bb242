import { describe, expect, it } from 'vitest';
import {
  composeOrderEmail,
  InvalidEmailError,
  messageIdOf,
  type OrderEmailFacts,
  orderPageUrl,
} from './order-email';

const facts = (overrides: Partial<OrderEmailFacts> = {}): OrderEmailFacts => ({
  orderId: '6f1c2d3e-0000-4000-8000-000000000001',
  kind: 'ORDER_CONFIRMED',
  recipient: 'ada@example.com',
  items: [
    { name: 'Sencha green tea, 100 g', quantity: 2, unitPriceMinor: 1250 },
    { name: 'Stoneware mug', quantity: 1, unitPriceMinor: 1899 },
  ],
  totalMinor: 4399,
  currency: 'EUR',
  ...overrides,
});

describe('orderPageUrl', () => {
  it('puts the order id where the template says', () => {
    expect(orderPageUrl('http://127.0.0.1:3005/orders/{orderId}/timeline', facts().orderId)).toBe(
      `http://127.0.0.1:3005/orders/${facts().orderId}/timeline`,
    );
    expect(orderPageUrl('https://shop.example/account?order={orderId}', 'a b/c')).toBe(
      'https://shop.example/account?order=a%20b%2Fc',
    );
  });
});

describe('composeOrderEmail', () => {
  const url = orderPageUrl('http://127.0.0.1:3005/orders/{orderId}/timeline', facts().orderId);

  it('names the order in the subject and links to its page', () => {
    const email = composeOrderEmail(facts(), url);
    expect(email.subject).toBe(`Your order ${facts().orderId} is confirmed`);
    expect(email.text).toContain(`http://127.0.0.1:3005/orders/${facts().orderId}/timeline`);
    expect(email.html).toContain(`href="http://127.0.0.1:3005/orders/${facts().orderId}/timeline"`);
    expect(email.text).toContain('2 × Sencha green tea, 100 g — €25.00');
    expect(email.text).toContain('Total: €43.99');
  });

  it('gives every kind its own subject, and tells the reason of a cancellation or rejection', () => {
    const kinds = ['ORDER_CONFIRMED', 'ORDER_CANCELLED', 'ORDER_REJECTED', 'ORDER_DELIVERED'] as const;
    const subjects = kinds.map((kind) => composeOrderEmail(facts({ kind }), url).subject);
    expect(new Set(subjects).size).toBe(4);
    const rejected = composeOrderEmail(
      facts({ kind: 'ORDER_REJECTED', reason: 'The mug is sold out.' }),
      url,
    );
    expect(rejected.text).toContain('The mug is sold out.');
  });

  it('escapes what the customer or the catalogue wrote in the HTML part', () => {
    const email = composeOrderEmail(
      facts({ items: [{ name: '<script>alert(1)</script>', quantity: 1, unitPriceMinor: 100 }] }),
      url,
    );
    expect(email.html).not.toContain('<script>');
    expect(email.html).toContain('&lt;script&gt;');
  });

  it('refuses an address that cannot receive mail', () => {
    expect(() => composeOrderEmail(facts({ recipient: 'not an address' }), url)).toThrow(InvalidEmailError);
  });
});

describe('messageIdOf', () => {
  it('is the same for the same order and kind, and differs between kinds', () => {
    const id = 'b3a1c2d3-0000-4000-8000-000000000002';
    expect(messageIdOf(id, 'ORDER_CONFIRMED', 'example.org')).toBe(`<${id}.order-confirmed@example.org>`);
    expect(messageIdOf(id, 'ORDER_CONFIRMED', 'example.org')).toBe(
      messageIdOf(id, 'ORDER_CONFIRMED', 'example.org'),
    );
    expect(messageIdOf(id, 'ORDER_DELIVERED', 'example.org')).not.toBe(
      messageIdOf(id, 'ORDER_CONFIRMED', 'example.org'),
    );
  });
});
