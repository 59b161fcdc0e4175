import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditSink, type AuditEventInput } from '../common/audit/audit-sink.js';
import { ConflictReason } from '../common/errors/error-codes.js';
import { ConflictError } from '../common/errors/domain-errors.js';
import { IdempotencyService } from '../common/idempotency/idempotency.service.js';
import { OutboxSink, type OutboxEvent } from '../common/notifications/outbox-sink.js';
import type { RequestContext } from '../common/request/request-context.js';
import { constraintError } from './constraint-errors.js';
import { rows } from './sql.js';

/** One mutation's transaction: its manager, the audit events it records and what runs after commit. */
export class Tx {
  readonly events: AuditEventInput[] = [];
  readonly afterCommit: (() => void | Promise<void>)[] = [];
  readonly notifications: OutboxEvent[] = [];

  constructor(readonly manager: EntityManager) {}

  /** Records an audit event; it is written, chained, at the very end of the transaction. */
  audit(event: AuditEventInput): void {
    this.events.push(event);
  }

  /** Runs after a successful commit only (subscription events); never for a rolled-back change. */
  onCommit(fn: () => void | Promise<void>): void {
    this.afterCommit.push(fn);
  }

  /**
   * Records a change that webhook endpoints may be told about; written to the outbox in this
   * transaction (with the audit events), so it is sent exactly when the change commits.
   */
  notify(event: OutboxEvent): void {
    this.notifications.push(event);
  }

  /** The rows the statement returns, for SELECT, INSERT, UPDATE and DELETE alike. */
  query<T = any>(sql: string, params?: unknown[]): Promise<T[]> {
    return rows<T>(this.manager, sql, params);
  }
}

// Serialization failure, deadlock detected, and lock_not_available: the hub sets no lock_timeout,
// but an operator may (on the role or the server); each rolls the whole transaction back, so
// running it again is safe.
const RETRYABLE = new Set(['40001', '40P01', '55P03']);
const ATTEMPTS = 3;

/** The request's Idempotency-Key belongs to another request (the idempotency plugin answers with that one's response). */
function keyTaken(): ConflictError {
  return new ConflictError(ConflictReason.IDEMPOTENCY_KEY_REUSED, 'Another request with this Idempotency-Key was carried out');
}

/**
 * Every mutation runs in `run`: one transaction, its audit events appended to the chain just
 * before commit (so the chain's lock is held as briefly as possible), retried on deadlock or
 * serialization failure, and its after-commit work run only once the commit succeeded. A request
 * with an Idempotency-Key claims it in its first transaction's first statement, so the claim
 * commits or rolls back with the mutation; when another request has the key, nothing is written.
 * A constraint's refusal becomes the contract's error through the one table of constraint-errors.ts.
 */
@Injectable()
export class TransactionService {
  private readonly logger = new Logger(TransactionService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditSink,
    private readonly idempotency: IdempotencyService,
    private readonly outbox: OutboxSink,
  ) {}

  async run<T>(ctx: RequestContext, work: (tx: Tx) => Promise<T>): Promise<T> {
    const claim = ctx.idempotency;
    if (claim?.state === 'taken') throw keyTaken();
    for (let attempt = 1; ; attempt++) {
      let tx: Tx | undefined;
      try {
        const result = await this.db.transaction(async (manager) => {
          if (claim?.state === 'pending' && !(await this.idempotency.claimIn(manager, claim))) {
            claim.state = 'taken';
            throw keyTaken();
          }
          tx = new Tx(manager);
          const value = await work(tx);
          if (tx.notifications.length) await this.outbox.enqueue(manager, tx.notifications);
          await this.audit.append(manager, ctx, tx.events);
          return value;
        });
        if (claim?.state === 'pending') claim.state = 'claimed';
        for (const fn of tx!.afterCommit) {
          try {
            await fn();
          } catch (e) {
            this.logger.error({ err: e, requestId: ctx.requestId }, 'after-commit work failed');
          }
        }
        return result;
      } catch (e) {
        const code = (e as { driverError?: { code?: string }; code?: string }).driverError?.code ?? (e as { code?: string }).code;
        if (attempt < ATTEMPTS && code && RETRYABLE.has(code)) continue;
        throw constraintError(e) ?? e;
      }
    }
  }
}
