import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, useStack } from '@order-platform/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkCompatibility, checkHistory } from '../src/compat/check-compat';

interface AvroRecord {
  fields: { name: string; type: unknown; doc?: string; default?: unknown }[];
}

const CONFIRMED = 'schemas/order/order-confirmed.v1.avsc';

/**
 * The CI gate, run on a throw-away git repository holding a copy of schemas/: each test
 * edits a schema in the work tree and checks it against the committed one with the real
 * registry, the way a pull request is checked.
 */
describe('schema compatibility check', () => {
  const stack = useStack();
  let repo: string;

  const git = (...args: string[]) =>
    execFileSync('git', ['-C', repo, '-c', 'user.name=test', '-c', 'user.email=test@example.com', ...args], {
      encoding: 'utf8',
    });
  const edit = (file: string, change: (schema: AvroRecord) => void) => {
    const schema = JSON.parse(readFileSync(join(repo, file), 'utf8')) as AvroRecord;
    change(schema);
    writeFileSync(join(repo, file), `${JSON.stringify(schema, null, 2)}\n`);
  };
  /** Adds giftNote to CONFIRMED: optional, with a default (a compatible change), or required (not). */
  const addGiftNote = ({ optional }: { optional: boolean }) =>
    edit(CONFIRMED, (s) =>
      s.fields.push(
        optional
          ? { name: 'giftNote', type: ['null', 'string'], default: null, doc: 'A note for the recipient.' }
          : { name: 'giftNote', type: 'string', doc: 'A note for the recipient.' },
      ),
    );
  const check = (base?: string) =>
    checkCompatibility({ registryUrl: stack.schemaRegistryUrl, repoDir: repo, ...(base ? { base } : {}) });
  const subjects = async () => {
    const response = await fetch(`${stack.schemaRegistryUrl}/subjects`);
    return ((await response.json()) as string[]).filter((s) => s.startsWith('compat-check-'));
  };

  beforeEach(() => {
    repo = mkdtempSync(join(tmpdir(), 'contracts-compat-'));
    cpSync(join(repoRoot(), 'schemas'), join(repo, 'schemas'), { recursive: true });
    git('init', '-q');
    git('add', '.');
    git('commit', '-q', '-m', 'schemas');
  });

  afterEach(() => {
    rmSync(repo, { recursive: true, force: true });
  });

  it('passes when nothing changed', async () => {
    const report = await check();
    expect(report.ok).toBe(true);
    expect(report.changes.every((c) => c.status === 'unchanged')).toBe(true);
    expect(report.changes.length).toBeGreaterThanOrEqual(11);
  });

  it('passes a new field with a default, and leaves no temporary subject behind', async () => {
    const before = await subjects();
    addGiftNote({ optional: true });
    const report = await check();
    expect(report.ok, report.message).toBe(true);
    expect(report.changes.find((c) => c.file === CONFIRMED)?.status).toBe('compatible');
    expect(report.message).toContain(`${CONFIRMED}: compatible`);
    expect((await subjects()).filter((s) => !before.includes(s))).toEqual([]);
  });

  it('fails a new field without a default, naming the schema and the field and saying what to do', async () => {
    addGiftNote({ optional: false });
    const report = await check();
    expect(report.ok).toBe(false);
    expect(report.changes.find((c) => c.file === CONFIRMED)?.status).toBe('incompatible');
    expect(report.message).toContain(`${CONFIRMED} is not BACKWARD compatible with its version at HEAD`);
    expect(report.message).toMatch(/field "giftNote" \(\/fields\/\d+\): a new field without a default/);
    expect(report.message).toContain('Add a default');
    expect(report.message).toContain(
      'schemas/order/order-confirmed.v2.avsc on a new topic order.order-confirmed.v2',
    );
    expect(report.message).toContain('dual publishing');
  });

  it('fails a changed type, naming the field inside a nested record', async () => {
    edit(CONFIRMED, (s) => {
      const total = s.fields.find((f) => f.name === 'totalMinor')!;
      total.type = 'int';
      const address = s.fields.find((f) => f.name === 'shippingAddress')!.type as AvroRecord;
      address.fields.push({ name: 'doorCode', type: 'string', doc: 'The code of the front door.' });
    });
    const report = await check();
    expect(report.ok).toBe(false);
    expect(report.message).toMatch(/field "totalMinor" .*its type changed from LONG to INT/);
    expect(report.message).toMatch(/field "shippingAddress.doorCode" .*a new field without a default/);
  });

  it('checks against a given base revision', async () => {
    addGiftNote({ optional: true });
    git('commit', '-q', '-am', 'compatible change');
    expect((await check()).changes.every((c) => c.status === 'unchanged')).toBe(true);
    const report = await check('HEAD~1');
    expect(report.base).toBe('HEAD~1');
    expect(report.changes.find((c) => c.file === CONFIRMED)?.status).toBe('compatible');
  });

  it('runs as a command that exits 1 with the explanation', () => {
    const cli = join(repoRoot(), 'packages/contracts/dist/cli/check-compat.js');
    expect(existsSync(cli), 'build the package first: pnpm --filter @order-platform/contracts build').toBe(
      true,
    );
    const run = () =>
      spawnSync(process.execPath, [cli], {
        cwd: repo,
        encoding: 'utf8',
        env: { ...process.env, SCHEMA_REGISTRY_URL: stack.schemaRegistryUrl },
      });

    expect(run().status).toBe(0);
    addGiftNote({ optional: false });
    const failed = run();
    expect(failed.status).toBe(1);
    expect(failed.stderr).toMatch(/field "giftNote" .*Add a default/);
    expect(failed.stderr).toContain('order.order-confirmed.v2');
  });

  it("checks every step of every schema's history, naming the commit that broke it", async () => {
    const history = () => checkHistory({ registryUrl: stack.schemaRegistryUrl, repoDir: repo });
    addGiftNote({ optional: true });
    git('commit', '-q', '-am', 'compatible change');
    const good = await history();
    expect(good.ok, good.message).toBe(true);
    expect(good.steps).toBe(1);

    edit(CONFIRMED, (s) => {
      s.fields.find((f) => f.name === 'giftNote')!.type = 'string';
      delete s.fields.find((f) => f.name === 'giftNote')!.default;
    });
    git('commit', '-q', '-am', 'breaking change');
    const breaking = git('rev-parse', '--short', 'HEAD').trim();
    edit(CONFIRMED, (s) =>
      s.fields.push({ name: 'later', type: ['null', 'string'], default: null, doc: 'Later.' }),
    );
    git('commit', '-q', '-am', 'a later compatible change');

    const bad = await history();
    expect(bad.ok).toBe(false);
    expect(bad.steps).toBe(3);
    expect(bad.failures.map((f) => f.to)).toEqual([breaking]);
    expect(bad.message).toContain(`${CONFIRMED} at ${breaking} is not BACKWARD compatible`);
    expect(bad.message).toContain('order.order-confirmed.v2');
  });
});
