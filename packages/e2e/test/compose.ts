import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '@order-platform/testing';
import { processes, stackPortSettings } from '@order-platform/topology';
import type { Endpoints } from '../src/client';

/** Host ports this far above the native stack's, so both can run on one machine. */
const PORT_OFFSET = 10_000;

export interface ContainerState {
  status: string;
  health: string;
  restarts: number;
}

/**
 * One compose project of docker-compose.yml, driven as a user drives it: through
 * scripts/compose.sh (whichever compose answers), under its own project name, with every
 * host port moved by PORT_OFFSET through the same variables the native stack reads.
 */
export class ComposeProject {
  readonly env: Record<string, string>;

  constructor(readonly name: string) {
    const ports = [...Object.values(stackPortSettings), ...Object.values(processes).map((p) => p.port)];
    this.env = {
      COMPOSE_PROJECT_NAME: name,
      ...Object.fromEntries(ports.map((p) => [p.variable, String(p.fallback + PORT_OFFSET)])),
    };
  }

  /** Why compose cannot run here, or undefined when an engine and a compose answer. */
  unavailable(): string | undefined {
    if (spawnSync('docker', ['info'], { stdio: 'ignore' }).status !== 0)
      return 'no Docker engine answers (./dev engine installs and starts one)';
    const compose = this.compose(['command']);
    return compose.status === 0 ? undefined : compose.stderr.trim();
  }

  /** scripts/compose.sh with this project's settings; output captured. */
  compose(args: string[]): { status: number | null; stdout: string; stderr: string } {
    const result = spawnSync(join(repoRoot(), 'scripts/compose.sh'), args, {
      cwd: repoRoot(),
      env: { ...process.env, ...this.env },
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    return { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
  }

  /** compose, failing with its output when it fails. */
  run(args: string[]): string {
    const result = this.compose(args);
    if (result.status !== 0)
      throw new Error(`compose ${args.join(' ')} exited ${result.status}:\n${result.stderr.slice(-4000)}`);
    return result.stdout;
  }

  /** Builds, starts and waits for health; returns compose.sh's timing lines. */
  up(): string[] {
    const result = this.compose(['up']);
    const timings = result.stderr.split('\n').filter((line) => line.startsWith('compose: '));
    if (result.status !== 0) {
      const logs = this.compose(['logs', '--no-color', '--tail', '40']).stdout;
      throw new Error(`compose up failed:\n${result.stderr.slice(-4000)}\n${logs.slice(-8000)}`);
    }
    return timings;
  }

  containerId(service: string): string {
    const id = this.run(['ps', '-q', service]).trim();
    if (!id) throw new Error(`no container for ${service}`);
    return id;
  }

  state(service: string): ContainerState {
    const out = docker([
      'inspect',
      '--format',
      '{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}} {{.RestartCount}}',
      this.containerId(service),
    ]);
    const [status = '', health = '', restarts = '0'] = out.trim().split(' ');
    return { status, health, restarts: Number(restarts) };
  }

  /** What of this project is still on the engine: containers, volumes, networks. */
  leftovers(): { containers: string[]; volumes: string[]; networks: string[] } {
    const label = `label=com.docker.compose.project=${this.name}`;
    const list = (args: string[]) =>
      docker([...args, '--filter', label, '-q'])
        .split('\n')
        .filter(Boolean);
    return {
      containers: list(['ps', '-a']),
      volumes: list(['volume', 'ls']),
      networks: list(['network', 'ls']),
    };
  }

  endpoints(): Endpoints {
    const url = (variable: string) => `http://127.0.0.1:${this.env[variable]}`;
    return {
      basket: url('BASKET_PORT'),
      order: url('ORDER_PORT'),
      views: url('VIEWS_PORT'),
      provider: url('PAYMENT_PROVIDER_PORT'),
      mailbox: url('SMTP_WEB_PORT'),
    };
  }
}

export function docker(args: string[]): string {
  const result = spawnSync('docker', args, { encoding: 'utf8' });
  if (result.status !== 0)
    throw new Error(`docker ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return result.stdout;
}
