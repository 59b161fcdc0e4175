import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';
import type { TestApp } from './test-app.js';

/**
 * Counts the SQL statements the app sends while `work` runs, by wrapping `query` of the pg
 * Client class that the app's TypeORM driver uses (every pooled connection is one of them),
 * as bench/support/count-statements.mjs does for the bench. Nothing else may talk to the
 * database during `work`.
 */
export async function countStatements(hub: TestApp, work: () => Promise<unknown>): Promise<{ count: number; statements: string[] }> {
  const pg = (hub.db.driver as PostgresDriver).postgres as { Client: { prototype: { query: (...args: unknown[]) => unknown } } };
  const proto = pg.Client.prototype;
  const original = proto.query;
  const statements: string[] = [];
  proto.query = function (this: unknown, ...args: unknown[]) {
    const q = args[0];
    statements.push(typeof q === 'string' ? q : String((q as { text?: string })?.text ?? q));
    return original.apply(this, args);
  };
  try {
    await work();
  } finally {
    proto.query = original;
  }
  return { count: statements.length, statements };
}
