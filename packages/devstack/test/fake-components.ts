import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

// A tiny HTTP server: answers 200 on / once it listens; its command line carries the
// marker (argv[1]) that the supervisor's identity check looks for.
const server = `require('node:http').createServer((q, s) => s.end('ok')).listen(Number(process.env.PORT), '127.0.0.1')`;

/**
 * Writes a DEVSTACK_COMPONENTS module with two fake stack components: `fake` (a node
 * one-liner HTTP server on FAKE_PORT) and `fake-dependent` (the same on FAKE_DEPENDENT_PORT,
 * depending on `fake`).
 */
export function writeFakeComponents(dir: string): string {
  const file = join(dir, 'fake-components.cjs');
  writeFileSync(
    file,
    `const { join } = require('node:path');
const server = ${JSON.stringify(server)};
function fake(ctx, name, port, dependencies) {
  const marker = join(ctx.stackDir, name + '.marker');
  const url = 'http://127.0.0.1:' + port + '/';
  return {
    name, kind: 'stack', ports: [port], dependencies, stopSignal: 'SIGTERM', startTimeoutSeconds: 20,
    identity: () => marker,
    install: async () => undefined,
    start: async () => ({ command: process.execPath, args: ['-e', server, marker], cwd: ctx.stackDir, env: { PORT: String(port) } }),
    ready: async () => { try { return (await fetch(url, { signal: AbortSignal.timeout(1000) })).ok; } catch { return false; } },
    provision: async () => undefined,
    info: async () => name + ' ready  ' + url,
    wipe: async () => undefined,
  };
}
module.exports = (ctx) => [
  fake(ctx, 'fake', Number(ctx.env.FAKE_PORT), []),
  fake(ctx, 'fake-dependent', Number(ctx.env.FAKE_DEPENDENT_PORT), ['fake']),
];
`,
  );
  return file;
}
