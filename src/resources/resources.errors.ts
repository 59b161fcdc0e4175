import { ConflictError } from '../common/errors/domain-errors.js';
import { ConflictReason } from '../common/errors/error-codes.js';

export function insufficientQuantity(message: string): ConflictError {
  return new ConflictError(ConflictReason.INSUFFICIENT_AVAILABLE_QUANTITY, message);
}

export function invalidTransition(message: string): ConflictError {
  return new ConflictError(ConflictReason.INVALID_STATE_TRANSITION, message);
}
