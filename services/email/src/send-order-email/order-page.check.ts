import { Inject, Injectable } from '@nestjs/common';
import { CONFIG } from '@order-platform/service-kit';
import type { Config } from '../config';
import { orderPageUrl } from '../domain/order-email';

/** The order page does not show the event yet: a transient failure, retried by the consumer runner. */
export class OrderPageNotReadyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OrderPageNotReadyError';
  }
}

/**
 * Never mail a link that does not work yet (ARCHITECTURE "The read side"): the page an
 * email links to is the read side's order timeline, built from the same topics by another
 * consumer, which may not have read the event yet. Before sending, the page is fetched as
 * the customer would; it must answer 200 and, when it lists the order's events (the
 * timeline does), list the event the email is about. Until it does, the message waits
 * (in-process retries, then the retry topics), and the email goes out once the link works.
 */
@Injectable()
export class OrderPageCheck {
  constructor(@Inject(CONFIG) private readonly config: Config) {}

  get enabled(): boolean {
    return this.config.ORDER_PAGE_CHECK_URL !== 'off';
  }

  async assertShows(orderId: string, eventId: string): Promise<void> {
    if (this.config.ORDER_PAGE_CHECK_URL === 'off') return;
    const url = orderPageUrl(this.config.ORDER_PAGE_CHECK_URL ?? this.config.ORDER_PAGE_URL, orderId);
    let response: Response;
    try {
      response = await fetch(url, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(this.config.ORDER_PAGE_CHECK_TIMEOUT_MS),
      });
    } catch (error) {
      throw new OrderPageNotReadyError(`the order page ${url} did not answer: ${String(error)}`);
    }
    if (response.status !== 200) {
      throw new OrderPageNotReadyError(`the order page ${url} answered ${response.status}, not 200`);
    }
    const page = (await response.json().catch(() => undefined)) as
      { events?: { eventId?: string }[] } | undefined;
    if (Array.isArray(page?.events) && !page.events.some((e) => e.eventId === eventId)) {
      throw new OrderPageNotReadyError(`the order page ${url} does not show event ${eventId} yet`);
    }
  }
}
