import type { CheckName, CheckResult } from './checks';

/** One row of the suite's report: a fault, its orders, how long until all was settled, and each check. */
export interface FaultRow {
  fault: string;
  accepted: number;
  refused: number;
  /** From the fault's end (the process back, the outage over) until every accepted order had settled. */
  recoverSeconds: number | null;
  checks: Record<CheckName, CheckResult> | null;
  error?: string;
}

const CHECK_NAMES: CheckName[] = ['final', 'charges', 'emails', 'views', 'stock', 'dead letters'];

/** The report as a Markdown table, then what failed, row by row. */
export function formatTable(rows: FaultRow[]): string {
  const header = ['fault', 'orders', 'refused', 'recovered in', ...CHECK_NAMES];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  const problems: string[] = [];
  for (const row of rows) {
    const cells = [
      row.fault,
      String(row.accepted),
      String(row.refused),
      row.recoverSeconds === null ? 'not settled' : `${row.recoverSeconds.toFixed(1)} s`,
      ...CHECK_NAMES.map((name) => {
        const check = row.checks?.[name];
        if (!check) return '–';
        if (!check.ok) problems.push(`${row.fault} / ${name}: ${check.detail}`);
        return check.ok ? 'ok' : 'FAIL';
      }),
    ];
    if (row.error) problems.push(`${row.fault}: ${row.error}`);
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return [...lines, ...(problems.length > 0 ? ['', ...problems.map((p) => `- ${p}`)] : [])].join('\n');
}

export function rowPassed(row: FaultRow): boolean {
  return (
    !row.error && row.recoverSeconds !== null && !!row.checks && Object.values(row.checks).every((c) => c.ok)
  );
}
