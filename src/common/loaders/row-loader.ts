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
