import 'reflect-metadata';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { loadConfig } from '../config/app-config.js';
import { withConfiguredDatabase } from './embedded-postgres.js';
import { withMigrationsConnection } from './migrations-runner.js';

/**
 * `npm run migration:run | migration:revert` against DATABASE_URL's database (the embedded one
 * under .data/ when it is not set), as MIGRATIONS_DATABASE_URL's role when given, which then
 * grants DATABASE_URL's role its privileges again (src/database/runtime-privileges.ts); and `npm run migration:create -- <Name>`, which writes an
 * empty, timestamped migration to fill in by hand (the hub has no entities to generate from:
 * its tables are reached with SQL, docs/CONVENTIONS.md).
 */
const [command, name] = process.argv.slice(2);
if (!['run', 'revert', 'create'].includes(command) || (command === 'create' && !/^[A-Za-z][A-Za-z0-9]*$/.test(name ?? ''))) {
  console.error('usage: migrate.js run | revert | create <PascalCaseName>');
  process.exit(2);
}

if (command === 'create') {
  const timestamp = Date.now();
  const file = resolve('migrations', `${timestamp}-${name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase()}.ts`);
  await writeFile(
    file,
    `import type { MigrationInterface, QueryRunner } from 'typeorm';\n\nexport class ${name}${timestamp} implements MigrationInterface {\n  name = '${name}${timestamp}';\n\n  async up(q: QueryRunner): Promise<void> {\n    await q.query(\`\`);\n  }\n\n  async down(q: QueryRunner): Promise<void> {\n    await q.query(\`\`);\n  }\n}\n`,
  );
  console.log(`Wrote ${file}: fill it in, then add ${name}${timestamp} to migrations/index.ts.`);
  process.exit(0);
}

await withConfiguredDatabase(loadConfig(), (config) =>
  withMigrationsConnection(config, async (ds) => {
    if (command === 'run') {
      const applied = await ds.runMigrations({ transaction: 'each' });
      console.log(applied.length ? `Applied: ${applied.map((m) => m.name).join(', ')}` : 'No pending migrations.');
    } else {
      await ds.undoLastMigration({ transaction: 'each' });
      console.log('Reverted the last migration.');
    }
  }),
);
