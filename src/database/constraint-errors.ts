import { ConflictError, type DomainError } from '../common/errors/domain-errors.js';
import { ConflictReason } from '../common/errors/error-codes.js';

/**
 * The database's own refusals as the contract's errors, by constraint (or unique index) name:
 * the one table for every feature, applied by TransactionService.run to whatever a mutation's
 * statements raise. Services check first and rarely get here; these are the backstop that holds
 * under concurrency, whatever code runs the statement. A new constraint that a caller can hit
 * gets its line here (and a test that hits it).
 */
const CONSTRAINT_ERRORS: Record<string, () => DomainError> = {
  organisations_code_key: () => new ConflictError(ConflictReason.DUPLICATE, 'An organisation with this code exists'),
  users_email_key: () => new ConflictError(ConflictReason.DUPLICATE, 'A user with this email exists'),
  resource_types_code_key: () => new ConflictError(ConflictReason.DUPLICATE, 'A resource type with this code exists'),
  communication_links_open_channel_address: () => new ConflictError(ConflictReason.DUPLICATE, 'An open link on this channel and address already exists in this incident'),
  resource_holdings_committed_within_total: () => new ConflictError(ConflictReason.INSUFFICIENT_AVAILABLE_QUANTITY, 'The holding does not have that much available'),
  resource_requests_filled_within_requested: () => new ConflictError(ConflictReason.INSUFFICIENT_AVAILABLE_QUANTITY, 'The request does not need that much any more'),
  resource_loans_transition: () => new ConflictError(ConflictReason.INVALID_STATE_TRANSITION, 'The loan cannot make that transition'),
};

/** The contract error for a database error naming a constraint of the table; undefined for anything else. */
export function constraintError(e: unknown): DomainError | undefined {
  const d = (e as { driverError?: { constraint?: string } }).driverError ?? (e as { constraint?: string });
  const make = d?.constraint ? CONSTRAINT_ERRORS[d.constraint] : undefined;
  return make?.();
}
