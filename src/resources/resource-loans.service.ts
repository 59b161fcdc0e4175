import { Injectable } from '@nestjs/common';
import { AccessService } from '../common/access/access.service.js';
import { Permission } from '../common/access/permission.js';
import { TransactionService, type Tx } from '../database/transaction.service.js';
import { BadUserInputError } from '../common/errors/domain-errors.js';
import type { RequestContext } from '../common/request/request-context.js';
import { incidentClosedError, lockIncident, type LockedIncident } from '../incidents/incident-locks.js';
import { IncidentStatus } from '../incidents/models/incident.enums.js';
import type { OfferResourceInput } from './dto/resource.inputs.js';
import { ResourceLoan } from './models/resource-loan.model.js';
import { ResourceRequestStatus } from './models/resource.enums.js';
import { REQUEST_COLUMNS, type ResourceRequestRow } from './models/resource-request.model.js';
import { canTransition, LOAN_TRANSITIONS, type LoanAction } from './loan-state-machine.js';
import { lockHoldings, lockIncidentOfRequest, lockLoan, lockRequest, selectLoans } from './resource-locks.js';
import { ResourceEventsService } from './resource-events.service.js';
import { insufficientQuantity, invalidTransition } from './resources.errors.js';

const OPEN_STATUSES: string[] = [ResourceRequestStatus.OPEN, ResourceRequestStatus.PARTIALLY_FILLED];

/** The timestamp column each transition sets. */
const STAMP: Partial<Record<LoanAction, string>> = { accept: 'accepted_at', dispatch: 'dispatched_at', return: 'returned_at' };

/** Offers and loans: the EDXL-RM exchange between a requesting and a lending organisation. */
@Injectable()
export class ResourceLoansService {
  constructor(
    private readonly tx: TransactionService,
    private readonly access: AccessService,
    private readonly events: ResourceEventsService,
  ) {}

  /**
   * The holding's organisation offers part of it to a request it can see (EDXL-RM
   * ResponseToRequestResource). The offer may not exceed what the holding has available or
   * what the request still needs at this moment; nothing is reserved until it is accepted.
   */
  async offer(ctx: RequestContext, input: OfferResourceInput): Promise<ResourceLoan> {
    const p = ctx.who;
    return this.tx.run(ctx, async (tx) => {
      // A request it can see, from its own holding; the checks take no locks, so the module's
      // lock order starts after them.
      await this.access.requireAccess(ctx, Permission.RequestRead, input.requestId, tx.manager);
      await this.access.requireAccess(ctx, Permission.HoldingLend, input.holdingId, tx.manager);
      const incident = await lockIncidentOfRequest(tx, input.requestId);
      const request = await lockRequest(tx, input.requestId);
      const [holding] = await lockHoldings(tx, [input.holdingId]);
      if (holding.organisation_id === request.requesting_organisation_id) {
        throw BadUserInputError.field('input.holdingId', 'input.holdingId belongs to the requesting organisation itself');
      }
      if (holding.resource_type_id !== request.resource_type_id) {
        throw BadUserInputError.field('input.holdingId', 'input.holdingId holds another resource type than the request asks for');
      }
      if (incident.status === IncidentStatus.CLOSED) throw incidentClosedError();
      if (!OPEN_STATUSES.includes(request.status)) {
        if (request.status === ResourceRequestStatus.FILLED) throw insufficientQuantity('The request is already filled');
        throw invalidTransition(`A ${request.status} request takes no offers`);
      }
      this.checkQuantities(input.quantity, holding.quantity_total - holding.quantity_committed, request);
      const [{ id }] = await tx.query<{ id: string }>(
        `INSERT INTO resource_loans (request_id, holding_id, lending_organisation_id, quantity, note, offered_by_user_id)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
        [request.id, holding.id, holding.organisation_id, input.quantity, input.note ?? null, p.userId],
      );
      const [loan] = await selectLoans(tx, `l.id = $1`, [id]);
      tx.audit({
        action: 'resourceLoan.offer',
        entityType: 'ResourceLoan',
        entityId: id,
        details: { requestId: request.id, holdingId: holding.id, quantity: input.quantity },
      });
      this.events.loanChanged(tx, loan, incident);
      return ResourceLoan.fromRow(loan);
    });
  }

  /**
   * One transition of a loan, by the side the contract names. Locks the incident, the request,
   * the holding, then the loan (the module's one lock order), and re-checks both quantities
   * under those locks when the transition reserves (accept).
   */
  async transition(ctx: RequestContext, loanId: string, action: LoanAction): Promise<ResourceLoan> {
    const rule = LOAN_TRANSITIONS[action];
    return this.tx.run(ctx, async (tx) => {
      await this.access.requireAccess(ctx, rule.by === 'requester' ? Permission.LoanRequesterSide : Permission.LoanLenderSide, loanId, tx.manager);
      const [peek] = await tx.query<{ incident_id: string; request_id: string; holding_id: string }>(
        `SELECT r.incident_id, l.request_id, l.holding_id FROM resource_loans l JOIN resource_requests r ON r.id = l.request_id WHERE l.id = $1`,
        [loanId],
      );
      const incident = await lockIncident(tx, peek.incident_id);
      const request = await lockRequest(tx, peek.request_id);
      const [holding] = await lockHoldings(tx, [peek.holding_id]);
      const loan = await lockLoan(tx, loanId);

      // Winding down (returning, releasing) stays possible after the incident closed, so
      // that nothing stays reserved for ever; everything else is refused.
      if (!rule.windsDown && incident.status === IncidentStatus.CLOSED) throw incidentClosedError();
      if (!canTransition(action, loan.status)) throw invalidTransition(`A ${loan.status} loan cannot be ${rule.to.toLowerCase()}`);

      if (action === 'accept') {
        if (!OPEN_STATUSES.includes(request.status)) {
          if (request.status === ResourceRequestStatus.FILLED) throw insufficientQuantity('The request is already filled');
          throw invalidTransition(`An offer on a ${request.status} request cannot be accepted`);
        }
        this.checkQuantities(loan.quantity, holding.quantity_total - holding.quantity_committed, request);
      }

      const stamp = STAMP[action];
      await tx.query(`UPDATE resource_loans SET status = $2, updated_at = now()${stamp ? `, ${stamp} = now()` : ''} WHERE id = $1`, [loanId, rule.to]);
      const [after] = await selectLoans(tx, `l.id = $1`, [loanId]);
      tx.audit({
        action: `resourceLoan.${action}`,
        entityType: 'ResourceLoan',
        entityId: loanId,
        details: { requestId: request.id, holdingId: holding.id, quantity: loan.quantity, from: loan.status, to: rule.to },
      });
      this.events.loanChanged(tx, after, incident);
      await this.publishRequestIfChanged(tx, request, incident);
      return ResourceLoan.fromRow(after);
    });
  }

  private checkQuantities(quantity: number, available: number, request: ResourceRequestRow): void {
    const remaining = request.quantity_requested - request.quantity_filled;
    if (quantity > available) throw insufficientQuantity(`The holding has ${available} available, ${quantity} asked`);
    if (quantity > remaining) throw insufficientQuantity(`The request still needs ${remaining}, ${quantity} offered`);
  }

  private async publishRequestIfChanged(tx: Tx, before: ResourceRequestRow, incident: LockedIncident): Promise<void> {
    const [after] = await tx.query<ResourceRequestRow>(`SELECT ${REQUEST_COLUMNS} FROM resource_requests r WHERE r.id = $1`, [before.id]);
    if (after.quantity_filled !== before.quantity_filled || after.status !== before.status) this.events.requestChanged(tx, after, incident);
  }
}
