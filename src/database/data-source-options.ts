import type { PostgresDataSourceOptions as PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresDataSourceOptions.js';
import { migrations } from '../../migrations/index.js';
import type { AppConfig } from '../config/app-config.js';

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
      connectionTimeoutMillis: db.connectTimeoutMs,
      statement_timeout: db.statementTimeoutMs,
      idleTimeoutMillis: 30000,
    },
    ...overrides,
  };
}
