import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import type { RequestContext } from '../request/request-context.js';

/**
 * A per-request DataLoader of rows by id from one table: one `WHERE id = ANY($1)` query per
 * tick of the event loop, whatever the number of rows a list asks for.
 */
export function rowLoader<Row extends { id: string }>(
  ctx: RequestContext,
  db: DataSource,
  name: string,
  sql: string,
): DataLoader<string, Row | null> {
  return ctx.loader(name, () =>
    new DataLoader<string, Row | null>(async (ids) => {
      const rows: Row[] = await db.query(sql, [ids as string[]]);
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
  );
}

/**
 * A per-request DataLoader of lists by key (a report's acknowledgements, an entry's updates…):
 * `load` reads the rows of a batch of keys in one statement, in the order the lists keep;
 * `keyOf` says which key a row belongs to, and `item` makes the row what the list holds. A key
 * with no row gets an empty list.
 */
export function listLoader<T, Row = T>(
  ctx: RequestContext,
  name: string,
  load: (keys: string[]) => Promise<Row[]>,
  keyOf: (row: Row) => string,
  item: (row: Row) => T = (row) => row as unknown as T,
): DataLoader<string, T[]> {
  return ctx.loader(name, () =>
    new DataLoader<string, T[]>(async (keys) => {
      const byKey = new Map<string, T[]>(keys.map((k) => [k, []]));
      for (const row of await load(keys as string[])) byKey.get(keyOf(row))?.push(item(row));
      return keys.map((k) => byKey.get(k) ?? []);
    }),
  );
}
