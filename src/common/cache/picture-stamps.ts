import type DataLoader from 'dataloader';
import { LRUCache } from 'lru-cache';
import type { DataSource } from 'typeorm';

/**
 * The change stamps of `picture_stamps` (`migrations/1764700000000-picture-stamps.ts`): per
 * incident, the last transaction that changed anything the incident's operational picture
 * shows; under the nil uuid, the last one that changed the directory. Rows read in the same
 * statement as these stamps are the same rows for as long as the stamps stay the same.
 */
export interface PictureStamps {
  incident: string | null;
  directory: string | null;
}

export const DIRECTORY_STAMP_SCOPE = '00000000-0000-0000-0000-000000000000';

/** The stamps of the incident `incident` (an SQL expression) as `incident_stamp`, `directory_stamp`. */
export function stampsSql(incident: string): string {
  return `(SELECT stamp::text FROM picture_stamps WHERE scope = ${incident}::uuid) AS incident_stamp,
          (SELECT stamp::text FROM picture_stamps WHERE scope = '${DIRECTORY_STAMP_SCOPE}'::uuid) AS directory_stamp`;
}

export function stampsOf(row: { incident_stamp: string | null; directory_stamp: string | null }): PictureStamps {
  return { incident: row.incident_stamp, directory: row.directory_stamp };
}

function sameStamps(a: PictureStamps, b: PictureStamps): boolean {
  return a.incident === b.incident && a.directory === b.directory;
}

/** A row shared by every request that reads it from a cache: nobody may change it, nor its arrays and plain objects. */
function frozen<T extends object>(row: T): T {
  for (const value of Object.values(row)) {
    if (value !== null && typeof value === 'object' && (Array.isArray(value) || Object.getPrototypeOf(value) === Object.prototype)) frozen(value);
  }
  return Object.freeze(row);
}

/**
 * Rows kept with the stamps they were read under. `get` answers only for the same stamps, so
 * an entry is never served after a change; an LRU bounded by its number of rows, so memory is
 * bounded too (`PICTURE_CACHE_ROWS`: a picture keeps one row per participant, about 4 KB of heap
 * each as pg parses it, measured 162 KB for 40 participants). `maxRows` 0: nothing is kept.
 */
export class StampedCache<Row extends object> {
  private readonly entries?: LRUCache<string, { stamps: PictureStamps; rows: readonly Row[] }>;

  /** `size`: how many rows an entry counts for (by default its number of rows). */
  constructor(maxRows: number, size: (rows: readonly Row[]) => number = (rows) => rows.length) {
    if (maxRows > 0) this.entries = new LRUCache({ maxSize: maxRows, sizeCalculation: (entry) => Math.max(1, size(entry.rows)) });
  }

  /** The stamps of the entry, whatever they are (to ask the database whether they still hold). */
  stampsOf(key: string): PictureStamps | undefined {
    return this.entries?.peek(key)?.stamps;
  }

  get(key: string, stamps: PictureStamps): readonly Row[] | undefined {
    const entry = this.entries?.get(key);
    return entry && sameStamps(entry.stamps, stamps) ? entry.rows : undefined;
  }

  /** Keeps `rows` (frozen) under `stamps`; returns them. */
  set(key: string, stamps: PictureStamps, rows: Row[]): readonly Row[] {
    if (!this.entries) return rows;
    const kept = rows.map(frozen);
    this.entries.set(key, { stamps, rows: kept });
    return kept;
  }
}

/**
 * Rows of one incident for the picture's field resolvers (open requests, active links),
 * cached under the picture's stamps: on a miss, one statement reads the rows with the stamps
 * in its own snapshot, and keeps them only when those are still the picture's stamps (else a
 * change came between the two statements, and the rows are answered but not kept).
 * `select` is `SELECT … FROM s LEFT JOIN <table> … ORDER BY …`, where `s` has the stamps and
 * the table's rows have a non-null `id`.
 */
export async function stampedRows<Row extends { id: string }>(
  cache: StampedCache<Row>,
  db: DataSource,
  incidentId: string,
  stamps: PictureStamps,
  select: string,
): Promise<readonly Row[]> {
  const cached = cache.get(incidentId, stamps);
  if (cached) return cached;
  // Each row also carries the stamps (two columns the models ignore).
  const rows: (Row & { incident_stamp: string | null; directory_stamp: string | null })[] = await db.query(`WITH s AS (SELECT ${stampsSql('$1')}) ${select}`, [incidentId]);
  const found = rows.filter((r) => r.id !== null);
  return rows.length && sameStamps(stampsOf(rows[0]), stamps) ? cache.set(incidentId, stamps, found) : found;
}

/**
 * Records of the directory (organisations, users) by id, kept across requests with the directory
 * stamp they were read under, for callers that have just read the directory stamp in their own
 * statement (the operational picture): while the stamp is the same, the record is the one the
 * database holds. Records missing or kept under another stamp are read through the request's
 * loader, afresh (a record the request read before the stamp could be older than it), so the
 * rest of the request shares them; what the cache answers is put into that loader too. Records
 * read after the stamp are at least as new as it: a change since has a stamp of its own, so
 * they are never answered for a stamp newer than they are. An LRU of `maxRecords`.
 */
export class DirectoryCache<Row extends { id: string }> {
  private readonly entries?: LRUCache<string, { stamp: string | null; row: Row }>;

  constructor(maxRecords: number) {
    if (maxRecords > 0) this.entries = new LRUCache({ max: maxRecords });
  }

  /** The rows of `ids` (null for an unknown id) as of the directory stamp `stamp`. */
  async load(loader: DataLoader<string, Row | null>, ids: readonly string[], stamp: string | null): Promise<Map<string, Row>> {
    const found = new Map<string, Row>();
    const missing: string[] = [];
    for (const id of new Set(ids)) {
      const entry = this.entries?.get(id);
      if (entry && entry.stamp === stamp) {
        found.set(id, entry.row);
        loader.prime(id, entry.row);
      } else {
        missing.push(id);
        loader.clear(id);
      }
    }
    if (missing.length) {
      const rows = await loader.loadMany(missing);
      for (const row of rows) {
        if (row instanceof Error) throw row;
        if (!row) continue;
        found.set(row.id, row);
        this.entries?.set(row.id, { stamp, row: frozen(row) });
      }
    }
    return found;
  }
}
