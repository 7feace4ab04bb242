import { describe, expect, it } from 'vitest';
import type { CheckName, CheckResult } from './checks';
import { formatTable, rowPassed, type FaultRow } from './table';

const ok: CheckResult = { ok: true, detail: '' };
const allOk = {
  final: ok,
  charges: ok,
  emails: ok,
  views: ok,
  stock: ok,
  'dead letters': ok,
} satisfies Record<CheckName, CheckResult>;

describe('the fault table', () => {
  it('has a row per fault and lists what failed under it', () => {
    const rows: FaultRow[] = [
      { fault: 'kill kafka', accepted: 60, refused: 0, recoverSeconds: 12.34, checks: allOk },
      {
        fault: 'postgres down 60 s',
        accepted: 40,
        refused: 180,
        recoverSeconds: null,
        checks: { ...allOk, emails: { ok: false, detail: 'x: 0 confirmed email(s), expected 1' } },
      },
    ];
    expect(formatTable(rows)).toBe(
      [
        '| fault | orders | refused | recovered in | final | charges | emails | views | stock | dead letters |',
        '|---|---|---|---|---|---|---|---|---|---|',
        '| kill kafka | 60 | 0 | 12.3 s | ok | ok | ok | ok | ok | ok |',
        '| postgres down 60 s | 40 | 180 | not settled | ok | ok | FAIL | ok | ok | ok |',
        '',
        '- postgres down 60 s / emails: x: 0 confirmed email(s), expected 1',
      ].join('\n'),
    );
    expect(rows.map(rowPassed)).toEqual([true, false]);
  });

  it('fails a row that broke off with an error', () => {
    const row: FaultRow = {
      fault: 'kill smtp',
      accepted: 0,
      refused: 0,
      recoverSeconds: null,
      checks: null,
      error: 'boom',
    };
    expect(rowPassed(row)).toBe(false);
    expect(formatTable([row])).toContain('- kill smtp: boom');
  });
});
