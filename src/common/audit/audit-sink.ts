import type { EntityManager } from 'typeorm';
import type { RequestContext } from '../request/request-context.js';

/** One change to record on the audit trail (DESIGN.md invariant 5). */
export interface AuditEventInput {
  action: string;
  entityType: string;
  entityId?: string | null;
  details?: Record<string, unknown>;
}

/**
 * Where a transaction's audit events go, inside that transaction. `common/` and `database/`
 * write through this; the audit feature provides it (the hash chain), so the ground floor
 * does not depend on the floor that stores the trail.
 */
export abstract class AuditSink {
  abstract append(m: EntityManager, ctx: RequestContext, events: AuditEventInput[]): Promise<void>;
}
