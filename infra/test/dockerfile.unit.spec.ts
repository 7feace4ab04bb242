// Static checks of the root Dockerfile and .dockerignore, and that the images and tools
// they use are the versions infra/versions.env pins.
import { describe, expect, it } from 'vitest';
import {
  dockerfile,
  services,
  splitImage,
  stageNamed,
  THIRD_PARTY_IMAGES,
  version,
} from './support/compose-model';
import { readRepoFile, repoFileExists, stageArgDefault } from './support/repo-files';

describe('versions come from infra/versions.env', () => {
  it.each(THIRD_PARTY_IMAGES)('$repository is tagged with $versionKey', ({ repository, versionKey }) => {
    const tags = Object.values(services)
      .map((svc) => (svc.image ? splitImage(svc.image) : undefined))
      .filter((image) => image?.repository === repository)
      .map((image) => image?.tag);

    expect(tags).toEqual([version(versionKey)]);
  });

  it('pins every image to a tag other than latest', () => {
    const unpinned = Object.entries(services)
      .filter(([, svc]) => svc.image !== undefined)
      .filter(([, svc]) => {
        const { tag } = splitImage(svc.image as string);
        return tag === undefined || tag === 'latest';
      })
      .map(([name]) => name);
    expect(unpinned).toEqual([]);
  });

  it('defaults the Dockerfile NODE_VERSION to NODE_VERSION', () => {
    expect(dockerfile.globalArgs.get('NODE_VERSION')).toBe(version('NODE_VERSION'));
  });

  it('builds and runs on node:${NODE_VERSION}-bookworm-slim only', () => {
    const externalBases = dockerfile.stages
      .map((stage) => stage.from)
      .filter((from) => !dockerfile.stages.some((stage) => stage.name === from));
    expect(new Set(externalBases)).toEqual(new Set(['node:${NODE_VERSION}-bookworm-slim']));
  });

  it('installs pnpm from npm at PNPM_VERSION', () => {
    const base = dockerfile.stages.find((stage) => stageArgDefault(stage, 'PNPM_VERSION') !== undefined);
    expect(base && stageArgDefault(base, 'PNPM_VERSION')).toBe(version('PNPM_VERSION'));
    expect(
      base?.instructions.some((step) => /npm install --global "?pnpm@\$\{PNPM_VERSION\}"?/.test(step)),
    ).toBe(true);
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
