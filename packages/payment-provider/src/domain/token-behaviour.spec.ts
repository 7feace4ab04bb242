import { describe, expect, it } from 'vitest';
import { type Behaviour, behaviourFor, isKnownToken, KNOWN_TOKENS, type Token } from './token-behaviour';

const SLOW = 3000;
const approve = (delayMs = 0): Behaviour => ({ kind: 'approve', delayMs });
const decline: Behaviour = { kind: 'decline', reason: 'card_declined' };
const unavailable: Behaviour = { kind: 'unavailable', reason: 'provider_unavailable' };

describe('behaviour table', () => {
  // token, then what attempts 1, 2, 3 and 4 for one order get.
  const table: [Token, Behaviour[]][] = [
    ['tok_ok', [approve(), approve(), approve(), approve()]],
    ['tok_declined', [decline, decline, decline, decline]],
    ['tok_flaky', [unavailable, unavailable, approve(), approve()]],
    ['tok_slow', [approve(SLOW), approve(), approve(), approve()]],
  ];

  it.each(table)('%s', (token, expected) => {
    expect([1, 2, 3, 4].map((attempt) => behaviourFor(token, attempt, SLOW))).toEqual(expected);
  });

  it('covers every known token', () => {
    expect(table.map(([token]) => token).sort()).toEqual([...KNOWN_TOKENS].sort());
  });

  it('delays tok_slow by the configured delay', () => {
    expect(behaviourFor('tok_slow', 1, 250)).toEqual(approve(250));
  });

  it('knows only the four tokens, exactly as spelled', () => {
    expect(KNOWN_TOKENS.every(isKnownToken)).toBe(true);
    for (const token of ['tok_unknown', 'TOK_OK', 'tok_ok ', ''])
      expect(isKnownToken(token), token).toBe(false);
  });
});
