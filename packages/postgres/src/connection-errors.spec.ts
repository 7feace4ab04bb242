import { describe, expect, it } from 'vitest';
import { postgresOutageReason } from './connection-errors';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('postgresOutageReason', () => {
  it("names the server going or gone: SQLSTATE 08xxx, 57P01-03 and pg's own messages", () => {
    expect(postgresOutageReason(withCode('08006', 'connection failure'), false)).toBe(
      '08006: connection failure',
    );
    expect(postgresOutageReason(withCode('57P01', 'terminating connection'), false)).toBe(
      '57P01: terminating connection',
    );
    expect(postgresOutageReason(withCode('57P03'), false)).toBe('57P03: x');
    expect(postgresOutageReason(new Error('Connection terminated unexpectedly'), false)).toBe(
      'Connection terminated unexpectedly',
    );
    expect(postgresOutageReason(new Error('timeout exceeded when trying to connect'), false)).toBeDefined();
  });

  it('says nothing of a statement that is wrong, or of what is not an error', () => {
    expect(postgresOutageReason(withCode('23505', 'duplicate key'), true)).toBeUndefined();
    expect(postgresOutageReason(withCode('42P01', 'relation does not exist'), true)).toBeUndefined();
    expect(postgresOutageReason(new Error('boom'), true)).toBeUndefined();
    expect(postgresOutageReason('ECONNREFUSED', true)).toBeUndefined();
    expect(postgresOutageReason(null, true)).toBeUndefined();
  });

  it('counts a bare socket error only where every call goes to Postgres', () => {
    const refused = withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432');
    expect(postgresOutageReason(refused, true)).toBe('connect ECONNREFUSED 127.0.0.1:5432');
    expect(postgresOutageReason(refused, false)).toBeUndefined();
  });

  it('looks inside an AggregateError (one connect attempt per address) for a socket error', () => {
    const both = new AggregateError(
      [
        withCode('ECONNREFUSED', 'connect ECONNREFUSED ::1:5432'),
        withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432'),
      ],
      '',
    );
    expect(postgresOutageReason(both, true)).toBe('connect ECONNREFUSED ::1:5432');
    expect(postgresOutageReason(both, false)).toBeUndefined();
  });
});
