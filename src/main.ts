import 'reflect-metadata';
import type { Server } from 'node:http';
import { Logger } from '@nestjs/common';
import { createHubApp } from './bootstrap.js';
import { ConfigError } from './config/environment.js';
import { loadConfig, type AppConfig } from './config/app-config.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './database/embedded-postgres.js';
import { runMigrations, withMigrationsConnection } from './database/migrations-runner.js';
import { DEMO_LOGINS, seedDemoRegion } from './demo/seed-demo-region.js';

const logger = new Logger('Hub');

async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(78);
    }
    throw e;
  }

  let embedded: EmbeddedDatabase | undefined;
  if (config.database.embedded) {
    logger.log(`No DATABASE_URL: starting the embedded PostgreSQL (data in ${config.database.embeddedDir})`);
    embedded = await startEmbeddedPostgres({ dir: config.database.embeddedDir, port: config.database.embeddedPort, persistent: true });
    // Two roles, as in production: the superuser migrates; the hub runs as a role that cannot
    // alter tables, switch triggers off or change the audit trail.
    config = config.withDatabaseUrl(embedded.runtimeUrl, embedded.url);
  }

  let app: Awaited<ReturnType<typeof createHubApp>>;
  try {
    if (config.database.migrationsRun) {
      const applied = await runMigrations(config);
      if (applied.length) logger.log(`Applied migrations: ${applied.join(', ')}`);
    } else if (embedded) {
      // Nobody else grants the embedded runtime role its privileges.
      await withMigrationsConnection(config, async () => undefined);
    }
    if (config.seedDemo) {
      const loaded = await seedDemoRegion(config);
      if (loaded) logger.log('Loaded the demo region');
    }
    app = await createHubApp(config);
    await app.listen(config.http.port, config.http.host);
  } catch (e) {
    // Never leave the embedded server running behind a hub that could not start (port taken…).
    await embedded?.stop();
    throw e;
  }
  const server = app.getHttpServer() as Server;
  const base = `http://localhost:${config.http.port}`;
  logger.log(`GraphQL at ${base}/graphql${config.production ? '' : ' (GraphiQL in the browser)'}; health at ${base}/health/ready`);
  if (config.seedDemo) {
    console.log(`\nSamverkan hub is running: ${base}/graphql\nDemo logins (password for all: ${DEMO_LOGINS.password}):`);
    for (const u of DEMO_LOGINS.users) console.log(`  ${u.email.padEnd(38)} ${u.role.padEnd(16)} ${u.organisation}`);
    console.log('');
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal}: no new connections; letting requests in flight finish`);
    // Stop accepting, close idle keep-alive sockets now and busy ones when their response is
    // sent; past the timeout, whatever is still open is cut.
    const drained = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const timer = setTimeout(() => server.closeAllConnections(), config.http.shutdownTimeoutMs);
    await drained;
    clearTimeout(timer);
    await app.close();
    await embedded?.stop();
    logger.log('Stopped');
    process.exit(0);
  };
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => void shutdown(signal));
}

main().catch((e: unknown) => {
  console.error('The hub could not start:', e instanceof Error ? e.message : e);
  process.exit(1);
});
