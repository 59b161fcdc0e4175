import { readFile, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { printSchema } from 'graphql';
import { startTestApp, type TestApp } from './support/test-app.js';

let hub: TestApp;
beforeAll(async () => {
  hub = await startTestApp();
});
afterAll(() => hub.close());

const SCHEMA_FILE = new URL('../schema.gql', import.meta.url);

/** The committed schema.gql is what the code serves: `npm run schema:generate` rewrites it. */
it('schema.gql matches the schema the code generates', async () => {
  const served = `${printSchema(hub.app.get(GraphQLSchemaHost).schema)}\n`;
  if (process.env.UPDATE_SCHEMA === '1') await writeFile(SCHEMA_FILE, served);
  const committed = await readFile(SCHEMA_FILE, 'utf8').catch(() => '');
  expect(committed).toBe(served);
});
