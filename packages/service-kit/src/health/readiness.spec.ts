import { describe, expect, it } from 'vitest';
import { readiness, type ReadinessInput } from './readiness';

const healthy: ReadinessInput = {
  database: { status: 'up' },
  kafka: { status: 'up' },
  messaging: { status: 'running', consumers: ['svc.a', 'svc.b'] },
  runners: { 'svc.a': { status: 'running' }, 'svc.b': { status: 'running' } },
};

describe('readiness', () => {
  it('is ok when everything answers and every group consumes', () => {
    expect(readiness(healthy)).toEqual({ status: 'ok', reasons: [] });
  });

  it('is degraded, with the reason, while a group waits for a dependency', () => {
    const result = readiness({
      ...healthy,
      runners: {
        ...healthy.runners,
        'svc.b': { status: 'waiting', dependency: 'postgres', reason: 'connect ECONNREFUSED', since: 1 },
      },
    });
    expect(result).toEqual({
      status: 'degraded',
      reasons: ['svc.b: waiting for postgres: connect ECONNREFUSED'],
    });
  });

  it('is unavailable when a group is not consuming, or messaging has not started', () => {
    expect(
      readiness({
        ...healthy,
        runners: { ...healthy.runners, 'svc.a': { status: 'restarting', attempt: 2, reason: 'crash' } },
      }),
    ).toMatchObject({ status: 'unavailable', reasons: [expect.stringMatching(/svc.a: not consuming/)] });
    expect(readiness({ ...healthy, runners: { 'svc.a': { status: 'stopped' } } }).status).toBe('unavailable');
    expect(
      readiness({
        ...healthy,
        messaging: { status: 'starting', attempt: 3, lastError: 'ECONNREFUSED' },
        runners: {},
      }),
    ).toEqual({ status: 'unavailable', reasons: ['messaging starting: ECONNREFUSED'] });
  });

  it('is unavailable when the database or Kafka does not answer', () => {
    expect(readiness({ ...healthy, database: { status: 'down', error: 'timeout' } })).toEqual({
      status: 'unavailable',
      reasons: ['database: timeout'],
    });
  });
});
