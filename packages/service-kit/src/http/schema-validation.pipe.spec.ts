import { type ArgumentMetadata, BadRequestException } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { textParam, uuidParam } from './request-schemas';
import { SchemaValidationPipe } from './schema-validation.pipe';

const pipe = new SchemaValidationPipe();

const param = (data: string, schema: z.ZodType): ArgumentMetadata => ({ type: 'param', data, schema });
const body = (schema: z.ZodType): ArgumentMetadata => ({ type: 'body', schema });

/** The 400's message for a value the schema refuses. */
async function refusal(value: unknown, metadata: ArgumentMetadata): Promise<string> {
  const error: unknown = await pipe.transform(value, metadata).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(BadRequestException);
  const answer = (error as BadRequestException).getResponse();
  expect(answer).toMatchObject({ statusCode: 400, error: 'Bad Request' });
  return (answer as { message: string }).message;
}

describe('SchemaValidationPipe', () => {
  const address = z.strictObject({ city: z.string().min(1), country: z.string().length(2) });
  const checkout = z.strictObject({ email: z.email(), address });

  it('passes what the schema produces, so a parameter arrives parsed', async () => {
    const id = '6F1C2D3E-0000-4000-8000-00000000000A';
    expect(await pipe.transform(id, param('orderId', uuidParam('an order id')))).toBe(id.toLowerCase());
  });

  it('leaves a parameter declared without a schema as it is', async () => {
    const value = { anything: 1 };
    expect(await pipe.transform(value, { type: 'body' })).toBe(value);
  });

  it('names the parameter when the value as a whole is wrong', async () => {
    expect(await refusal('not-a-uuid', param('orderId', uuidParam('an order id')))).toBe(
      'orderId: "not-a-uuid" is not an order id (a UUID)',
    );
    expect(await refusal([1, 2], body(checkout))).toMatch(/^body: /);
  });

  it('names every bad field by its path, in one message', async () => {
    const message = await refusal({ email: 'nope', address: { city: '', country: 'DE' } }, body(checkout));
    expect(message.split('; ')).toEqual([
      expect.stringMatching(/^email: /),
      expect.stringMatching(/^address\.city: /),
    ]);
  });

  it('names the parameters of a whole query by their own names', async () => {
    const query = z.object({ page: z.string().regex(/^\d+$/, 'must be a whole number') });
    expect(await refusal({ page: 'x' }, { type: 'query', schema: query })).toBe(
      'page: must be a whole number',
    );
  });

  it('checks a header read with RequestHeader, naming it as written there', async () => {
    const key = z.string({ error: 'required' }).min(1);
    const header: ArgumentMetadata = { type: 'custom', data: 'Idempotency-Key', schema: key };
    expect(await refusal(undefined, header)).toBe('Idempotency-Key: required');
    expect(await pipe.transform('k-1', header)).toBe('k-1');
  });

  it('refuses text parameters out of their length', async () => {
    expect(await refusal('x'.repeat(101), param('sku', textParam('a SKU', 100)))).toBe(
      'sku: must be 1 to 100 characters',
    );
    expect(await pipe.transform('SKU-TEA-001', param('sku', textParam('a SKU', 100)))).toBe('SKU-TEA-001');
  });

  it('ignores a prototype-polluting key rather than passing it on', async () => {
    const polluted: unknown = JSON.parse(
      '{"email": "a@b.co", "address": {"city": "Graz", "country": "AT"}, "__proto__": {"admin": true}}',
    );
    expect(await pipe.transform(polluted, body(checkout))).toEqual({
      email: 'a@b.co',
      address: { city: 'Graz', country: 'AT' },
    });
  });
});
