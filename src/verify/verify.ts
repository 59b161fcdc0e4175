import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from '../config/app-config.js';
import { dataSourceOptions } from '../database/data-source-options.js';
import { withConfiguredDatabase } from '../database/embedded-postgres.js';
import { verifyInvariants } from './invariants.js';

/**
 * `npm run verify`: checks invariants 1–5 and 7 over DATABASE_URL's database (or the embedded one),
 * prints each violation and exits 1 if there is any, 0 otherwise.
 */
const failed = await withConfiguredDatabase(loadConfig(), async (config) => {
  const options = dataSourceOptions(config, { poolSize: 1 });
  // A whole-database check may take longer than one request is allowed to.
  const db = new DataSource({ ...options, extra: { ...options.extra, statement_timeout: 0 } });
  try {
    await db.initialize();
    const violations = await verifyInvariants(db);
    for (const x of violations) console.log(`invariant ${x.invariant}: ${x.entity}: ${x.message}`);
    console.log(violations.length === 0 ? 'All invariants hold.' : `${violations.length} violation(s).`);
    return violations.length > 0;
  } catch (e) {
    console.error(`verify could not run: ${e instanceof Error ? e.message : String(e)}`);
    return true;
  } finally {
    await db.destroy().catch(() => undefined);
  }
});
process.exit(failed ? 1 : 0);
