import { describe, expect, it } from 'vitest';
import { classifyDecodeError, isPermanent } from './errors';

describe('classifyDecodeError', () => {
  it('treats an unknown schema id (registry 404) and bad bytes as permanent', () => {
    expect(
      isPermanent(classifyDecodeError(Object.assign(new Error('Schema not found'), { status: 404 }))),
    ).toBe(true);
    expect(
      isPermanent(
        classifyDecodeError(new Error('Message encoded with magic byte {"0":110}, expected {"0":0}')),
      ),
    ).toBe(true);
  });

  it('treats an unreachable or failing registry as transient', () => {
    expect(isPermanent(classifyDecodeError(new Error('connect ECONNREFUSED 127.0.0.1:8080')))).toBe(false);
    expect(isPermanent(classifyDecodeError(Object.assign(new Error('boom'), { status: 503 })))).toBe(false);
  });
});
