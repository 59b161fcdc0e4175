import pg from 'pg';
import type { PostgresDataSourceOptions as PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresDataSourceOptions.js';
import { migrations } from '../../migrations/index.js';
import type { AppConfig } from '../config/app-config.js';

/**
 * pg's Client, giving up on connecting after `ms`. pg-pool hands its own `connectionTimeoutMillis`
 * to the clients it makes and also uses it as the longest wait for a free connection; the hub
 * needs the two apart (dataSourceOptions).
 */
function clientConnectingWithin(ms: number): typeof pg.Client {
  return class HubClient extends pg.Client {
    constructor(config?: string | pg.ClientConfig) {
      super({ ...(typeof config === 'string' ? { connectionString: config } : config), connectionTimeoutMillis: ms });
    }
  };
}

/** The one description of the database connection, shared by the app and the migration CLI. */
export function dataSourceOptions(config: AppConfig, overrides: Partial<PostgresConnectionOptions> = {}): PostgresConnectionOptions {
  const db = config.database;
  return {
    type: 'postgres',
    url: db.url,
    // No entities: every feature reaches its tables with SQL through its own service (docs/CONVENTIONS.md).
    entities: [],
    migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    poolSize: db.poolSize,
    applicationName: 'samverkan-hub',
    extra: {
      // Fail fast (a clear error, not a hang) when the database is down, and never let one
      // statement hold a connection for ever.
      Client: clientConnectingWithin(db.connectTimeoutMs),
      statement_timeout: db.statementTimeoutMs,
      // Waiting for a free connection is contention, not an outage: when every connection is
      // busy (100 accepts queued on one holding's lock), a request waits its turn as long as one
      // statement may run, instead of being told after the connect timeout that the database
      // cannot be reached. Each new connection still gives up after the connect timeout.
      connectionTimeoutMillis: db.statementTimeoutMs,
      idleTimeoutMillis: 30000,
    },
    ...overrides,
  };
}
