import type { DataSource, EntityManager } from 'typeorm';

/**
 * The rows a statement returns, whatever its command: TypeORM's plain `query()` answers
 * `[rows, count]` for UPDATE and DELETE, which `const [row] = …` would silently misread.
 */
export async function rows<T = any>(m: EntityManager | DataSource, sql: string, params: unknown[] = []): Promise<T[]> {
  const runner = 'queryRunner' in m && m.queryRunner ? m.queryRunner : undefined;
  if (runner) return ((await runner.query(sql, params, true)) as { records: T[] }).records;
  const result = await (m as DataSource).createQueryRunner();
  try {
    return ((await result.query(sql, params, true)) as { records: T[] }).records;
  } finally {
    await result.release();
  }
}
