import { ConflictError } from '../common/errors/domain-errors.js';
import { ConflictReason } from '../common/errors/error-codes.js';

export function insufficientQuantity(message: string): ConflictError {
  return new ConflictError(ConflictReason.INSUFFICIENT_AVAILABLE_QUANTITY, message);
}

/** Nothing new starts in a CLOSED incident; what only winds down is not refused (LOAN_TRANSITIONS). */
export function incidentClosed(): ConflictError {
  return new ConflictError(ConflictReason.INCIDENT_CLOSED, 'The incident is closed');
}

export function invalidTransition(message: string): ConflictError {
  return new ConflictError(ConflictReason.INVALID_STATE_TRANSITION, message);
}

/**
 * The database's own refusals (the CHECK constraints and the loan trigger of the resources
 * migration) as the contract's conflicts. The services check first and rarely get here; these
 * are the backstop that holds whatever code runs the statement.
 */
export function mapResourceDbError(e: unknown): unknown {
  const d = (e as { driverError?: { code?: string; constraint?: string } }).driverError ?? (e as { code?: string; constraint?: string });
  switch (d?.constraint) {
    case 'resource_holdings_committed_within_total':
      return insufficientQuantity('The holding does not have that much available');
    case 'resource_requests_filled_within_requested':
      return insufficientQuantity('The request does not need that much any more');
    case 'resource_loans_transition':
      return invalidTransition('The loan cannot make that transition');
    default:
      return e;
  }
}
