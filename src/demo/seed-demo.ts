import 'reflect-metadata';
import { loadConfig } from '../config/app-config.js';
import { withConfiguredDatabase } from '../database/embedded-postgres.js';
import { runMigrations } from '../database/migrations-runner.js';
import { seedDemoRegion } from './seed-demo-region.js';

/** `npm run seed:demo`: loads the demo region into DATABASE_URL's database (or the embedded one). */
await withConfiguredDatabase(loadConfig(), async (config) => {
  await runMigrations(config);
  const loaded = await seedDemoRegion(config);
  console.log(loaded ? 'Loaded the demo region.' : 'The demo region was already loaded; nothing changed.');
});
