import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import DataLoader from 'dataloader';
import { DataSource } from 'typeorm';
import { isAdmin, type Principal } from '../auth/principal.js';
import { ForbiddenError, NotFoundError } from '../errors/domain-errors.js';
import type { RequestContext } from '../request/request-context.js';
import type { AccessRule, Queryable, Verdicts } from './access-rule.js';
import type { Permission } from './permission.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The one answer to "may this principal use these records this way", for queries, mutations,
 * field resolvers and subscriptions alike (DESIGN.md, "Principals and access"). The role check
 * is the guard's, at the edge; this is the record check. Each feature registers the rules of
 * its own records at start-up (`<feature>.access.ts`); services and resolvers only ask.
 *
 * - `requireAccess`: one record; NOT_FOUND when the caller may not see it (exactly as when it
 *   does not exist), FORBIDDEN when it sees it but may not do this.
 * - `readChecked`: `requireAccess`, then the record loaded (NOT_FOUND when it does not exist).
 * - `checkAccess`: the allowed subset of many ids.
 *
 * Outside a transaction, answers are batched and remembered per request (per event and viewer
 * class in a subscription); inside one, the rule's statement runs in that transaction, so it
 * sees the transaction's own writes and takes part in its locks.
 */
@Injectable()
export class AccessService {
  private readonly rules = new Map<Permission, AccessRule<any>>();

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Called by each feature module on init, for the permissions of its own records. */
  register(...rules: AccessRule<any>[]): void {
    for (const rule of rules) {
      if (this.rules.has(rule.permission)) throw new Error(`Two access rules for ${rule.permission}`);
      this.rules.set(rule.permission, rule);
    }
  }

  /** The permissions that have a rule: for the test that every permission has one. */
  registered(): Permission[] {
    return [...this.rules.keys()];
  }

  async requireAccess(ctx: RequestContext, permission: Permission, id: string, tx?: Queryable): Promise<void> {
    const rule = this.rule(permission);
    const verdict = (await this.decide(ctx, rule, [id], tx)).get(id.toLowerCase());
    if (verdict === undefined) throw new NotFoundError(rule.entity, id);
    if (!verdict) throw new ForbiddenError(rule.forbidden);
  }

  /**
   * `requireAccess`, then the record `load` reads: NOT_FOUND (naming the rule's entity) alike for
   * one the caller may not see and one that does not exist. A service's `thing(id)` read.
   */
  async readChecked<T>(ctx: RequestContext, permission: Permission, id: string, load: () => Promise<T | null | undefined>): Promise<T> {
    await this.requireAccess(ctx, permission, id);
    const found = await load();
    if (!found) throw new NotFoundError(this.rule(permission).entity, id);
    return found;
  }

  async checkAccess(ctx: RequestContext, permission: Permission, ids: readonly string[], tx?: Queryable): Promise<Set<string>> {
    const verdicts = await this.decide(ctx, this.rule(permission), ids, tx);
    return new Set([...verdicts].filter(([, allowed]) => allowed).map(([id]) => id));
  }

  /**
   * Whose records a list of an organisation's own records shows (API keys, webhook endpoints):
   * the named organisation's when `permission` allows it on it, NOT_FOUND naming `listName`
   * otherwise (as if the list did not exist); without one, ADMIN every organisation's (null)
   * and the others their own organisation's.
   */
  async listedOrganisation(ctx: RequestContext, permission: Permission, organisationId: string | undefined, listName: string): Promise<string | null> {
    if (organisationId) {
      const allowed = await this.checkAccess(ctx, permission, [organisationId]);
      if (!allowed.size) throw new NotFoundError(listName, organisationId);
      return organisationId;
    }
    return isAdmin(ctx.who) ? null : ctx.who.organisationId;
  }

  /** A subscription's filter: the rule decided from facts the event carries, without a statement. */
  allowsByFacts<Facts>(p: Principal, permission: Permission, facts: Facts): boolean {
    const rule = this.rule(permission) as AccessRule<Facts>;
    if (!rule.fromFacts) throw new Error(`The access rule for ${permission} cannot decide from facts`);
    return rule.fromFacts(p, facts);
  }

  /** As allowsByFacts, for a field of a record the caller already reads: FORBIDDEN when not allowed. */
  requireByFacts<Facts>(p: Principal, permission: Permission, facts: Facts): void {
    if (!this.allowsByFacts(p, permission, facts)) throw new ForbiddenError(this.rule(permission).forbidden);
  }

  private rule(permission: Permission): AccessRule<any> {
    const rule = this.rules.get(permission);
    if (!rule) throw new Error(`No access rule is registered for ${permission}`);
    return rule;
  }

  private async decide(ctx: RequestContext, rule: AccessRule<any>, ids: readonly string[], tx: Queryable | undefined): Promise<Verdicts> {
    // Ids are UUIDs everywhere; anything else cannot name a record, and must not reach a ::uuid cast.
    const wanted = [...new Set(ids.map((id) => id.toLowerCase()))].filter((id) => UUID.test(id));
    if (!wanted.length) return new Map();
    if (tx) return rule.decide(ctx.who, wanted, tx);
    const loader = ctx.loader(`access:${rule.permission}`, () =>
      new DataLoader<string, boolean | null>(async (batch) => {
        const verdicts = await rule.decide(ctx.who, batch, this.db);
        return batch.map((id) => verdicts.get(id) ?? null);
      }),
    );
    const answers = await loader.loadMany(wanted);
    const verdicts: Verdicts = new Map();
    wanted.forEach((id, i) => {
      const a = answers[i];
      if (a instanceof Error) throw a;
      if (a !== null) verdicts.set(id, a);
    });
    return verdicts;
  }
}
