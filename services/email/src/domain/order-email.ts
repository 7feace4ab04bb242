/**
 * The emails the customer gets about an order: which one for which event, and what it
 * says. No NestJS, SMTP or SQL here.
 */

export type EmailKind = 'ORDER_CONFIRMED' | 'ORDER_CANCELLED' | 'ORDER_REJECTED' | 'ORDER_DELIVERED';

export interface OrderLine {
  name: string;
  quantity: number;
  unitPriceMinor: number;
}

/** What an email about an order is built from; `reason` for cancellations and rejections. */
export interface OrderEmailFacts {
  orderId: string;
  kind: EmailKind;
  recipient: string;
  items: readonly OrderLine[];
  totalMinor: number;
  currency: string;
  reason?: string;
  /** Delivered emails: when the parcel was handed over (epoch ms). */
  deliveredAt?: number;
}

export interface OrderEmail {
  kind: EmailKind;
  recipient: string;
  subject: string;
  text: string;
  html: string;
}

export class InvalidEmailError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidEmailError';
  }
}

const ADDRESS = /^[^\s@<>()",;]+@[^\s@<>()",;]+\.[^\s@<>()",;]+$/;

/** What the order page's URL template (ORDER_PAGE_URL) says where the order id goes. */
export const ORDER_ID_PLACEHOLDER = '{orderId}';

/** The link in every email: the order's own page, the template with the order id filled in. */
export function orderPageUrl(template: string, orderId: string): string {
  return template.replaceAll(ORDER_ID_PLACEHOLDER, encodeURIComponent(orderId));
}

/**
 * The Message-ID of the one email of a kind about an order. The same on every attempt, so
 * that a mail server or client that deduplicates on it shows a resent email once.
 */
export function messageIdOf(orderId: string, kind: EmailKind, domain: string): string {
  return `<${orderId}.${kind.toLowerCase().replace(/_/g, '-')}@${domain}>`;
}

export function formatMoney(minor: number, currency: string): string {
  return new Intl.NumberFormat('en-GB', { style: 'currency', currency }).format(minor / 100);
}

const subjects: Record<EmailKind, (orderId: string) => string> = {
  ORDER_CONFIRMED: (id) => `Your order ${id} is confirmed`,
  ORDER_CANCELLED: (id) => `Your order ${id} has been cancelled`,
  ORDER_REJECTED: (id) => `We could not accept your order ${id}`,
  ORDER_DELIVERED: (id) => `Your order ${id} has been delivered`,
};

function opening(facts: OrderEmailFacts): string {
  switch (facts.kind) {
    case 'ORDER_CONFIRMED':
      return 'Thank you: your payment went through and your order is confirmed. We will let you know when it is on its way.';
    case 'ORDER_CANCELLED':
      return `Your order has been cancelled and nothing was charged. ${facts.reason ?? ''}`.trim();
    case 'ORDER_REJECTED':
      return `We could not accept your order. ${facts.reason ?? ''}`.trim();
    case 'ORDER_DELIVERED':
      return facts.deliveredAt === undefined
        ? 'Your order has been delivered.'
        : `Your order was delivered on ${new Date(facts.deliveredAt).toUTCString()}.`;
  }
}

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Builds the email; an address that cannot receive mail is refused (it would fail every retry). */
export function composeOrderEmail(facts: OrderEmailFacts, pageUrl: string): OrderEmail {
  if (!ADDRESS.test(facts.recipient)) {
    throw new InvalidEmailError(`not an email address: "${facts.recipient}"`);
  }
  const subject = subjects[facts.kind](facts.orderId);
  const lines = facts.items.map(
    (line) =>
      `${line.quantity} × ${line.name} — ${formatMoney(line.quantity * line.unitPriceMinor, facts.currency)}`,
  );
  const total = `Total: ${formatMoney(facts.totalMinor, facts.currency)}`;
  const intro = opening(facts);
  const text = [intro, '', ...lines, total, '', `Your order: ${pageUrl}`, ''].join('\n');
  const html = [
    `<p>${escapeHtml(intro)}</p>`,
    `<ul>${lines.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>`,
    `<p>${escapeHtml(total)}</p>`,
    `<p><a href="${escapeHtml(pageUrl)}">See your order ${escapeHtml(facts.orderId)}</a></p>`,
  ].join('\n');
  return { kind: facts.kind, recipient: facts.recipient, subject, text, html };
}
