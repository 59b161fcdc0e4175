import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config.js';
import { databaseRole } from '../config/environment.js';
import { dataSourceOptions } from './data-source-options.js';
import { grantRuntimePrivileges } from './runtime-privileges.js';

/**
 * The migrations' own connection: MIGRATIONS_DATABASE_URL's role, which owns the tables. `work`
 * runs on it; then, when the hub runs as another role (DATABASE_URL's), that role's privileges
 * are granted again, so that they also cover whatever the migrations created.
 */
export async function withMigrationsConnection<T>(config: AppConfig, work: (ds: DataSource) => Promise<T>): Promise<T> {
  const ds = new DataSource(dataSourceOptions(config, { url: config.database.migrationsUrl, poolSize: 1 }));
  await ds.initialize();
  try {
    const result = await work(ds);
    const runtime = databaseRole(config.database.url);
    if (config.database.migrationsUrl !== config.database.url && runtime) {
      const [{ owner }] = await ds.query(`SELECT current_user AS owner`);
      if (owner !== runtime) await grantRuntimePrivileges(ds, runtime);
    }
    return result;
  } finally {
    await ds.destroy();
  }
}

/** Applies pending migrations on a connection of their own; returns the names applied. */
export async function runMigrations(config: AppConfig): Promise<string[]> {
  return withMigrationsConnection(config, async (ds) => (await ds.runMigrations({ transaction: 'each' })).map((m) => m.name));
}
