import { rm } from 'node:fs/promises';
import pg from 'pg';

export default async function globalTeardown() {
  // After Jest's summary, where the skipped count shows: the one place that says why.
  if (process.env.TEST_REDIS_SKIPPED_BECAUSE) {
    console.warn(`\nSkipped the cross-replica suites (rate limit, incident and link subscriptions through Redis): ${process.env.TEST_REDIS_SKIPPED_BECAUSE}. Start Redis there or set TEST_REDIS_URL to run them.`);
  }
  const db = globalThis.__hubTestDb;
  if (!db) return;
  if (db.embedded) {
    try {
      await db.embedded.stop(); // not persistent: its data folder goes with it
    } finally {
      // ...but not the temporary folder the data folder was made in.
      await rm(db.dir, { recursive: true, force: true });
    }
    return;
  }
  const admin = new pg.Client({ connectionString: db.adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${db.database} WITH (FORCE)`);
  await admin.end();
}
