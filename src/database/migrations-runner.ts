import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config.js';
import { dataSourceOptions } from './data-source-options.js';

/** Applies pending migrations on a connection of its own; returns the names applied. */
export async function runMigrations(config: AppConfig): Promise<string[]> {
  const ds = new DataSource(dataSourceOptions(config, { poolSize: 1 }));
  await ds.initialize();
  try {
    const applied = await ds.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await ds.destroy();
  }
}
