import 'reflect-metadata';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { DataSource } from 'typeorm';
import { loadConfig } from '../config/app-config.js';
import { dataSourceOptions } from './data-source-options.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';

/**
 * `npm run migration:run | migration:revert | migration:generate -- <Name>` against
 * DATABASE_URL's database, or the embedded one under .data/ when it is not set.
 */
const [command, name] = process.argv.slice(2);
if (!['run', 'revert', 'generate'].includes(command) || (command === 'generate' && !/^[A-Za-z][A-Za-z0-9]*$/.test(name ?? ''))) {
  console.error('usage: migrate.js run | revert | generate <PascalCaseName>');
  process.exit(2);
}

let config = loadConfig();
const embedded = config.database.embedded
  ? await startEmbeddedPostgres({ dir: config.database.embeddedDir, port: config.database.embeddedPort, persistent: true })
  : undefined;
if (embedded) config = config.withDatabaseUrl(embedded.url);
const ds = new DataSource(dataSourceOptions(config, { poolSize: 1 }));
await ds.initialize();
try {
  if (command === 'run') {
    const applied = await ds.runMigrations({ transaction: 'each' });
    console.log(applied.length ? `Applied: ${applied.map((m) => m.name).join(', ')}` : 'No pending migrations.');
  } else if (command === 'revert') {
    await ds.undoLastMigration({ transaction: 'each' });
    console.log('Reverted the last migration.');
  } else {
    // What the entities describe and the database lacks; to be read, tidied and then added
    // to migrations/index.ts by hand.
    const sql = await ds.driver.createSchemaBuilder().log();
    if (sql.upQueries.length === 0) {
      console.log('The entities and the database agree: nothing to generate.');
    } else {
      const timestamp = Date.now();
      const file = resolve('migrations', `${timestamp}-${name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase()}.ts`);
      const q = (list: { query: string }[]) => list.map((s) => `    await q.query(${JSON.stringify(s.query)});`).join('\n');
      await writeFile(
        file,
        `import type { MigrationInterface, QueryRunner } from 'typeorm';\n\nexport class ${name}${timestamp} implements MigrationInterface {\n  name = '${name}${timestamp}';\n\n  async up(q: QueryRunner): Promise<void> {\n${q(sql.upQueries)}\n  }\n\n  async down(q: QueryRunner): Promise<void> {\n${q([...sql.downQueries].reverse())}\n  }\n}\n`,
      );
      console.log(`Wrote ${file}: review it, then add ${name}${timestamp} to migrations/index.ts.`);
    }
  }
} finally {
  await ds.destroy();
  await embedded?.stop();
}
