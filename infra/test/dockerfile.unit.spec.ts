// Static checks of the root Dockerfile and .dockerignore: every image from one base, the
// versions infra/versions.env pins, the native stack's installer, and non-root users.
import { describe, expect, it } from 'vitest';
import { buildOf, dockerfile, services, stageNamed, version } from './support/compose-model';
import { readRepoFile, repoFileExists } from './support/repo-files';

describe('every image from one base, with the versions of infra/versions.env', () => {
  it('runs only images the project builds: no service names a registry image', () => {
    const pulled = Object.entries(services)
      .filter(([, svc]) => svc.build === undefined)
      .map(([name, svc]) => `${name}: ${svc.image}`);
    expect(pulled).toEqual([]);
    for (const [name, svc] of Object.entries(services)) {
      expect(svc.image, name).toMatch(/^order-platform\/[a-z-]+:local$/);
    }
  });

  it('builds every stage FROM ${BASE_IMAGE} (debian:bookworm-slim) or another stage', () => {
    expect(dockerfile.globalArgs.get('BASE_IMAGE')).toBe('debian:bookworm-slim');
    const externalBases = dockerfile.stages
      .map((stage) => stage.from)
      .filter((from) => !dockerfile.stages.some((stage) => stage.name === from));
    expect(new Set(externalBases)).toEqual(new Set(['${BASE_IMAGE}']));
  });

  it('has a target for every image compose builds', () => {
    const targets = new Set(Object.keys(services).map((name) => buildOf(name).target));
    expect([...targets].filter((target) => !stageNamed(target ?? ''))).toEqual([]);
  });

  it('installs Node, npm and pnpm from the npm registry at the versions of infra/versions.env', () => {
    const node = stageNamed('node');
    expect(node?.instructions).toContain('COPY infra/versions.env infra/docker/install-node.sh /tmp/node/');
    const script = readRepoFile('infra', 'docker', 'install-node.sh');
    for (const name of ['NODE_VERSION', 'NPM_VERSION', 'PNPM_VERSION']) {
      expect(script, name).toContain(`"$${name}"`);
      version(name);
    }
  });

  it('downloads the stack components with the native stack’s own installer (devstack install)', () => {
    expect(
      stageNamed('installer')?.instructions.some((step) =>
        step.includes('node packages/devstack/dist/cli.js install kafka connect registry smtp'),
      ),
    ).toBe(true);
    const postgres = stageNamed('postgres')?.instructions.join('\n') ?? '';
    expect(postgres).toContain('. /tmp/versions.env');
    expect(postgres).toContain('"postgresql-${POSTGRES_MAJOR}"');
  });

  it('runs every image as a user other than root', () => {
    const runtime = new Set(Object.keys(services).map((name) => buildOf(name).target));
    for (const target of runtime) {
      const users = stageNamed(target ?? '')?.instructions.filter((step) => step.startsWith('USER ')) ?? [];
      expect(users.at(-1), target).toMatch(/^USER (node|app|postgres)$/);
    }
  });

  it('orders the stages for the classic builder: only deploy needs SERVICE, and it comes last but one', () => {
    const names = dockerfile.stages.map((stage) => stage.name);
    expect(names.slice(-2)).toEqual(['deploy', 'service']);
    const needsService = dockerfile.stages
      .filter((stage) => stage.instructions.some((step) => /test -n "\$\{SERVICE\}"/.test(step)))
      .map((stage) => stage.name);
    expect(needsService).toEqual(['deploy']);
  });

  it('agrees with the root package.json packageManager field, when there is one', () => {
    if (!repoFileExists('package.json')) return;
    const manifest = JSON.parse(readRepoFile('package.json')) as { packageManager?: string };
    if (manifest.packageManager === undefined) return;
    expect(manifest.packageManager.split('+')[0]).toBe(`pnpm@${version('PNPM_VERSION')}`);
  });
});

describe('Dockerfile', () => {
  it('ends with the service stage, run as node by `node dist/main.js`', () => {
    const last = dockerfile.stages[dockerfile.stages.length - 1];
    expect(last?.name).toBe('service');
    expect(last?.instructions).toContain('USER node');
    expect(last?.instructions).toContain('CMD ["node", "dist/main.js"]');
  });

  it('runs init as the node user too', () => {
    expect(stageNamed('init')?.instructions).toContain('USER node');
  });

  it('installs from the lockfile and deploys one service with production dependencies only', () => {
    const steps = dockerfile.stages.flatMap((stage) => stage.instructions);
    expect(steps.some((step) => /pnpm install .*--frozen-lockfile/.test(step))).toBe(true);
    expect(
      steps.some((step) => /pnpm .*--filter "@order-platform\/\$\{SERVICE\}".* deploy --prod/.test(step)),
    ).toBe(true);
  });

  it('is fed by a .dockerignore that keeps local build output and secrets out', () => {
    const ignored = new Set(
      readRepoFile('.dockerignore')
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter((line) => line !== '' && !line.startsWith('#')),
    );
    const required = [
      '**/node_modules',
      '**/dist',
      '**/.turbo',
      '**/coverage',
      '.git',
      '.stack',
      '.tools',
      '.env',
    ];
    expect(required.filter((entry) => !ignored.has(entry))).toEqual([]);
  });
});
