import { z } from 'zod';

/**
 * A UUID path parameter, e.g. `uuidParam('an order id')`, read in lower case (ids are stored
 * so). Any 8-4-4-4-12 hex string passes, whatever its version: ids come from other services.
 */
export const uuidParam = (what: string) =>
  z
    .guid({ error: (issue) => `"${String(issue.input)}" is not ${what} (a UUID)` })
    .toLowerCase()
    .meta({ description: `${what} (a UUID)` });

/** A free-text path parameter, such as a SKU or a customer id: 1 to `max` characters. */
export const textParam = (what: string, max: number) => {
  const message = `must be 1 to ${max} characters`;
  return z
    .string()
    .min(1, message)
    .max(max, message)
    .meta({ description: `${what}, 1 to ${max} characters` });
};
