import pg from 'pg';

export default async function globalTeardown() {
  const db = globalThis.__hubTestDb;
  if (!db) return;
  if (db.embedded) {
    await db.embedded.stop(); // not persistent: its folder goes with it
    return;
  }
  const admin = new pg.Client({ connectionString: db.adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${db.database} WITH (FORCE)`);
  await admin.end();
}
