import { textParam, uuidParam } from '@order-platform/service-kit';
import { z } from 'zod';

/**
 * The read side's query parameters as zod schemas: the controllers declare them on their
 * parameters (`@Query({ schema: pagingQuery })`), service-kit's validation pipe checks each
 * request with them and answers 400 naming what is wrong, and the same schemas can describe
 * the API in an OpenAPI document.
 */

export const orderIdParam = uuidParam('an order id');

export const customerIdParam = textParam('a customer id', 200);

export const MAX_PAGE_SIZE = 100;

/** A whole number written in digits, or `fallback` when the parameter is absent or empty. */
const wholeNumber = (min: number, max: number, fallback: number) => {
  const reason = `must be a whole number from ${min} to ${max}`;
  return z
    .string()
    .refine((text) => text === '' || (/^\d+$/.test(text) && Number(text) >= min && Number(text) <= max), {
      error: (issue) => `${reason}, got "${String(issue.input)}"`,
    })
    .meta({ description: `${reason}; ${fallback} when absent` })
    .optional()
    .transform((text) => (text ? Number(text) : fallback));
};

export const pagingQuery = z.object({
  page: wholeNumber(1, 1_000_000, 1),
  pageSize: wholeNumber(1, MAX_PAGE_SIZE, 20),
});

export type Paging = z.output<typeof pagingQuery>;

/** The longest range one request may ask for. */
export const MAX_DAYS = 366;

/** A date that exists (2026-02-29 does not), written YYYY-MM-DD. */
const day = z.iso.date({
  error: (issue) =>
    issue.input === undefined
      ? 'is required (YYYY-MM-DD)'
      : `must be a calendar date written YYYY-MM-DD, got ${JSON.stringify(issue.input)}`,
});

export interface DayRange {
  from: string;
  to: string;
}

/** How many days from `from` to `to`, both included. */
const daysIn = ({ from, to }: DayRange) => (Date.parse(to) - Date.parse(from)) / 86_400_000 + 1;

// The range is judged only once both ends are dates.
const whenBothAreDates = { when: (payload: { issues: readonly unknown[] }) => payload.issues.length === 0 };

/** `from` to `to`, both included, at most MAX_DAYS days. */
export const dayRangeQuery = z
  .object({ from: day, to: day })
  .refine((range) => range.from <= range.to, {
    ...whenBothAreDates,
    error: (issue) => {
      const { from, to } = issue.input as DayRange;
      return `from (${from}) is after to (${to})`;
    },
  })
  .refine((range) => daysIn(range) <= MAX_DAYS, {
    ...whenBothAreDates,
    error: (issue) => `at most ${MAX_DAYS} days at once, asked for ${daysIn(issue.input as DayRange)}`,
  });
