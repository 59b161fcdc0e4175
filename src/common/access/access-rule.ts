import { isAdmin, type Principal } from '../auth/principal.js';
import type { Permission } from './permission.js';

/** A DataSource or a transaction's EntityManager: what a rule sends its one statement through. */
export interface Queryable {
  query(sql: string, params?: unknown[]): Promise<any>;
}

/**
 * The verdict on each id a rule was asked about: absent, the principal may not see it (or it
 * does not exist); false, it sees it but may not do this; true, allowed.
 */
export type Verdicts = Map<string, boolean>;

/**
 * One permission's rule, written by the feature that owns the record (`<feature>.access.ts`).
 * `decide` answers for a whole set of ids at once in one statement, so that a list, a nested
 * field over a list and a subscription's event cost the same as one record. A rule may depend
 * on the principal's kind, role, organisation and scopes, never on the individual user or key
 * (subscribers of one event share their answers by that viewer class, common/events/per-event.ts).
 *
 * `fromFacts` is the same rule decided from facts a subscription event already carries, so that
 * an event reaches N subscribers without N statements; it sits beside `decide` so that the two
 * are read, changed and tested together (`*.access.spec.ts` checks they agree).
 */
export interface AccessRule<Facts = never> {
  permission: Permission;
  /** The type named in NOT_FOUND (`SituationReport`, `ResourceLoan`…). */
  entity: string;
  /** Why FORBIDDEN, for a record the principal sees but may not use this way. */
  forbidden: string;
  decide(p: Principal, ids: readonly string[], db: Queryable): Promise<Verdicts>;
  fromFacts?(p: Principal, facts: Facts): boolean;
}

/** Verdicts from rows of `(id, allowed)`; an id without a row is not visible. */
export function verdicts(rows: { id: string; allowed: boolean }[]): Verdicts {
  return new Map(rows.map((r) => [r.id, r.allowed]));
}

/** Verdicts from the rows of the records the principal sees, each of which it may use this way; an id without a row is not visible. */
export function allAllowed(rows: { id: string }[]): Verdicts {
  return new Map(rows.map((r) => [r.id, true]));
}

/** One statement over all the ids: the rows of the records the principal sees, each with what the rules need to decide. */
export type SeenRows<Row extends { id: string }> = (p: Principal, ids: readonly string[], db: Queryable) => Promise<Row[]>;

/**
 * The rules of one kind of record that share one statement, `seen`: a row it returns is
 * visible, and each permission's `allowed` decides from the row what the principal may do with
 * it. A feature writes `const linkRule = rulesOver('Communication link', roles)` once, and then
 * a rule a line: `linkRule(Permission.LinkClose, 'Only …', (p, r) => r.initiator)`.
 */
export function rulesOver<Row extends { id: string }>(entity: string, seen: SeenRows<Row>) {
  return (permission: Permission, forbidden: string, allowed: (p: Principal, row: Row) => boolean): AccessRule => ({
    permission,
    entity,
    forbidden,
    async decide(p, ids, db): Promise<Verdicts> {
      return new Map((await seen(p, ids, db)).map((r) => [r.id, allowed(p, r)]));
    },
  });
}

/**
 * The rule of records that belong to one organisation and are seen only by it and by ADMIN
 * (users, API keys): `table`'s rows with an `organisation_id` column. What others may not see
 * is NOT_FOUND.
 */
export function ownOrganisationRecordsRule(permission: Permission, entity: string, table: string): AccessRule {
  return {
    permission,
    entity,
    forbidden: `Only ADMIN and the ${entity}'s own organisation may use it`,
    async decide(p, ids, db): Promise<Verdicts> {
      return allAllowed(
        await db.query(`SELECT id FROM ${table} WHERE id = ANY($1::uuid[]) AND ($2::boolean OR organisation_id = $3::uuid)`, [ids, isAdmin(p), p.organisationId]),
      );
    },
  };
}
