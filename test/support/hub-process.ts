import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { promisify } from 'node:util';

const ROOT = new URL('../../', import.meta.url).pathname;
let built: Promise<void> | undefined;

/**
 * A current build, once per test file: the process tests run the hub exactly as production does.
 * scripts/build-if-stale.mjs compiles only when a source is newer than dist/.
 */
export function buildOnce(): Promise<void> {
  built ??= promisify(execFile)(process.execPath, ['scripts/build-if-stale.mjs'], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 }).then(() => {
    if (!existsSync(`${ROOT}dist/main.js`)) throw new Error('the build made no dist/main.js');
  });
  return built;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export interface HubProcess {
  url: string;
  child: ChildProcess;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `node dist/main.js` (production mode) on the test database, without waiting for it. */
export async function spawnHubProcess(env: Record<string, string> = {}): Promise<HubProcess> {
  await buildOnce();
  const port = env.PORT ?? String(await freePort());
  let out = '';
  const child = spawn(process.execPath, ['dist/main.js'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      JWT_SECRET: 'process-test-secret-of-at-least-32-chars',
      DATABASE_URL: process.env.TEST_DATABASE_URL!,
      MIGRATIONS_RUN: 'false',
      PORT: port,
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { url: `http://127.0.0.1:${port}`, child, output: () => out, exited };
}

/** Starts `node dist/main.js` (production mode) on the test database and waits until it is ready. */
export async function startHubProcess(env: Record<string, string> = {}): Promise<HubProcess> {
  const hub = await spawnHubProcess(env);
  const deadline = Date.now() + 30000;
  for (;;) {
    if (hub.child.exitCode !== null) throw new Error(`the hub exited at start:\n${hub.output()}`);
    const ok = await fetch(`${hub.url}/health/ready`).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline) {
      hub.child.kill('SIGKILL');
      throw new Error(`the hub did not become ready:\n${hub.output()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return hub;
}
