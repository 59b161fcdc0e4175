import 'reflect-metadata';
import type { Server } from 'node:http';
import { Logger } from '@nestjs/common';
import type pino from 'pino';
import { DataSource } from 'typeorm';
import { createHubApp } from './bootstrap.js';
import { HubNestLogger, hubRootLogger } from './common/logging/hub-logger.js';
import { flushTraces } from './common/tracing/tracer.js';
import { ConfigError } from './config/environment.js';
import { fallbackLogSettings, loadConfig, type AppConfig } from './config/app-config.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './database/embedded-postgres.js';
import { runMigrations, withMigrationsConnection } from './database/migrations-runner.js';
import { DEMO_LOGINS, seedDemoRegion } from './demo/seed-demo-region.js';

/** The hub's own lines, from the first one on, in the format of every other line. */
let log: pino.Logger | undefined;

/** A failed start whose message says all there is to say: no stack trace. */
class StartFailure extends Error {}

/** A port in use, in words for whoever has to free it. */
function portInUse(e: unknown, config: AppConfig): StartFailure | undefined {
  if ((e as NodeJS.ErrnoException | undefined)?.code !== 'EADDRINUSE') return undefined;
  return new StartFailure(`Port ${config.http.port} on ${config.http.host} is already in use by another process: stop that process, or set PORT to a free port`);
}

/** With no user at all nobody can sign in, and nothing else would say how to get the first one. */
async function hintWhenNoUser(db: DataSource): Promise<void> {
  // A hint is no reason to stop a hub that is up: a failed look leaves it unsaid.
  const present = await db.query(`SELECT EXISTS (SELECT 1 FROM users) AS present`).then(([row]: { present: boolean }[]) => row.present, () => true);
  if (present) return;
  log!.warn(
    'No user exists yet, so nobody can sign in. For the first administrator set HUB_ADMIN_EMAIL and HUB_ADMIN_PASSWORD (12 characters or more) and restart; ' +
      'to try the hub out, load the demo region and its logins with `npm run seed:demo` (or SEED_DEMO=true).',
  );
}

function printDemoLogins(config: AppConfig, base: string): void {
  const users = DEMO_LOGINS.users;
  if (!config.log.pretty) {
    log!.info({ demoLogins: users.map((u) => u.email), demoPassword: DEMO_LOGINS.password }, `Samverkan hub is running: ${base}/console (web console), ${base}/graphql (GraphQL; demo region loaded)`);
    return;
  }
  const lines = users.map((u) => `  ${u.email.padEnd(38)} ${u.role.padEnd(16)} ${u.organisation}`);
  process.stdout.write(`\nSamverkan hub is running: ${base}/console (web console), ${base}/graphql (GraphQL)\nDemo logins (password for all: ${DEMO_LOGINS.password}):\n${lines.join('\n')}\n\n`);
}

async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      hubRootLogger(fallbackLogSettings()).fatal(e.message);
      process.exit(78);
    }
    throw e;
  }
  const root = hubRootLogger(config.log);
  log = root.child({ context: 'Hub' });
  // Nest's static logger until the application has its own: a start that fails before then
  // still logs in the one format.
  Logger.overrideLogger(HubNestLogger.beforeApplication(root));

  let embedded: EmbeddedDatabase | undefined;
  if (config.database.embedded) {
    log.info(`No DATABASE_URL: starting the embedded PostgreSQL (data in ${config.database.embeddedDir})`);
    embedded = await startEmbeddedPostgres({ dir: config.database.embeddedDir, port: config.database.embeddedPort, persistent: true });
    // Two roles, as in production: the superuser migrates; the hub runs as a role that cannot
    // alter tables, switch triggers off or change the audit trail.
    config = config.withDatabaseUrl(embedded.runtimeUrl, embedded.url);
  }

  let app: Awaited<ReturnType<typeof createHubApp>>;
  try {
    if (config.database.migrationsRun) {
      const applied = await runMigrations(config);
      if (applied.length) log.info(`Applied migrations: ${applied.join(', ')}`);
    } else if (embedded) {
      // Nobody else grants the embedded runtime role its privileges.
      await withMigrationsConnection(config, async () => undefined);
    }
    if (config.seedDemo) {
      const loaded = await seedDemoRegion(config);
      if (loaded) log.info('Loaded the demo region');
    }
    app = await createHubApp(config);
    await app.listen(config.http.port, config.http.host);
  } catch (e) {
    // Never leave the embedded server running behind a hub that could not start (port taken…).
    await embedded?.stop();
    throw portInUse(e, config) ?? e;
  }
  const server = app.getHttpServer() as Server;
  const base = `http://localhost:${config.http.port}`;
  log.info(`Listening on ${config.http.host}:${config.http.port}: GraphQL at ${base}/graphql${config.production ? '' : ' (GraphiQL in the browser)'}; the web console at ${base}/console; health at ${base}/health/ready`);
  if (config.seedDemo) printDemoLogins(config, base);
  await hintWhenNoUser(app.get(DataSource));

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log!.info(`${signal}: no new connections; letting requests in flight finish`);
    // Stop accepting, close idle keep-alive sockets now and busy ones when their response is
    // sent; past the timeout, whatever is still open is cut.
    const drained = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const timer = setTimeout(() => server.closeAllConnections(), config.http.shutdownTimeoutMs);
    await drained;
    clearTimeout(timer);
    await app.close();
    await embedded?.stop();
    await flushTraces();
    log!.info('Stopped');
    process.exit(0);
  };
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => void shutdown(signal));
}

main().catch((e: unknown) => {
  const logger = log ?? hubRootLogger(fallbackLogSettings());
  if (e instanceof StartFailure) logger.fatal(e.message);
  else logger.fatal({ err: e }, `The hub could not start: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
