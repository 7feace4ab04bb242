import { describe, expect, it } from 'vitest';
import { classifyDecodeError, DependencyUnavailableError, PermanentError } from './errors';
import { routeFailure, type FailureInput } from './failure-routing';

const base: FailureInput = {
  stage: 'handler',
  error: new Error('boom'),
  attempt: 1,
  inProcessAttempts: 3,
  level: 0,
  retryTopicDelaysMs: [5_000, 60_000],
};

const route = (over: Partial<FailureInput>) => routeFailure({ ...base, ...over });
const pgError = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('routeFailure', () => {
  it('retries a transient failure in process, then climbs the retry topics, then dead-letters', () => {
    expect(route({ attempt: 1 })).toEqual({ kind: 'retry-here' });
    expect(route({ attempt: 3 })).toEqual({ kind: 'retry-topic', level: 1, delayMs: 5_000 });
    expect(route({ attempt: 3, level: 1 })).toEqual({ kind: 'retry-topic', level: 2, delayMs: 60_000 });
    expect(route({ attempt: 3, level: 2 })).toEqual({ kind: 'dead-letter', permanent: false });
  });

  it('dead-letters a permanent failure at once, in any round', () => {
    expect(route({ error: new PermanentError('bad') })).toEqual({ kind: 'dead-letter', permanent: true });
    expect(route({ stage: 'decode', error: classifyDecodeError(new Error('magic byte')) })).toEqual({
      kind: 'dead-letter',
      permanent: true,
    });
  });

  it('holds on Postgres being down, whatever the attempt count', () => {
    for (const error of [
      pgError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432'),
      pgError('57P01', 'terminating connection due to administrator command'),
      pgError('57P03', 'the database system is starting up'),
      pgError('08006'),
      new Error('Connection terminated unexpectedly'),
      new Error('timeout exceeded when trying to connect'),
    ]) {
      expect(route({ stage: 'database', error, attempt: 3, level: 2 })).toMatchObject({
        kind: 'hold',
        dependency: 'postgres',
      });
    }
    expect(route({ stage: 'handler', error: pgError('57P01') })).toMatchObject({ kind: 'hold' });
  });

  it('does not blame Postgres for a bare socket error inside a handler (an outside call)', () => {
    expect(route({ stage: 'handler', error: pgError('ECONNREFUSED') })).toEqual({ kind: 'retry-here' });
  });

  it('keeps per-message SQL failures (timeouts, constraint violations) on the retry path', () => {
    expect(
      route({ stage: 'database', error: pgError('57014', 'canceling statement due to statement timeout') }),
    ).toEqual({ kind: 'retry-here' });
    expect(route({ stage: 'handler', error: pgError('55P03', 'lock timeout') })).toEqual({
      kind: 'retry-here',
    });
    expect(route({ stage: 'handler', error: pgError('23505') })).toEqual({ kind: 'retry-here' });
  });

  it('holds on an unreachable or failing registry: a refused connection is not poison', () => {
    const refused = Object.assign(
      new Error('Confluent_Schema_Registry - Error, status 400: connect ECONNREFUSED 127.0.0.1:8080'),
      { status: 400 },
    );
    for (const error of [
      refused,
      new Error('Timeout (3000ms)'),
      Object.assign(new Error('x'), { status: 503 }),
    ]) {
      expect(route({ stage: 'decode', error: classifyDecodeError(error), attempt: 3 })).toMatchObject({
        kind: 'hold',
        dependency: 'schema registry',
      });
    }
  });

  it('holds when a handler says its dependency is unavailable', () => {
    expect(
      route({ error: new DependencyUnavailableError('payment provider', 'breaker open'), attempt: 9 }),
    ).toEqual({
      kind: 'hold',
      dependency: 'payment provider',
      reason: 'breaker open',
    });
  });
});
