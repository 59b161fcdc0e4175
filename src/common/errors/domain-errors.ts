import { IntrinsicException } from '@nestjs/common';
import { ConflictReason, ErrorCode } from './error-codes.js';

export interface FieldError {
  field: string;
  message: string;
}

/**
 * An error the hub expects and explains to the caller. The one error formatter turns it into
 * `extensions.code` (and its extra extensions); anything that is not a DomainError is
 * unexpected, logged with the request id and masked.
 *
 * It extends Nest's IntrinsicException so that Nest's exception filter does not log every
 * refusal (each FORBIDDEN, NOT_FOUND, BAD_USER_INPUT…) at error level with a stack trace: an
 * expected refusal is not an error of the hub, and the error log stays for the unexpected.
 */
export class DomainError extends IntrinsicException {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class UnauthenticatedError extends DomainError {
  constructor(message = 'Authentication is required') {
    super(ErrorCode.UNAUTHENTICATED, message);
  }
}

export class ForbiddenError extends DomainError {
  constructor(message = 'You may not do this') {
    super(ErrorCode.FORBIDDEN, message);
  }
}

/** Also what the caller gets for something it may not see: the error must not reveal that it exists. */
export class NotFoundError extends DomainError {
  constructor(entity: string, id?: string) {
    super(ErrorCode.NOT_FOUND, id ? `${entity} ${id} was not found` : `${entity} was not found`);
  }
}

export class BadUserInputError extends DomainError {
  constructor(validationErrors: FieldError[], message?: string) {
    super(ErrorCode.BAD_USER_INPUT, message ?? validationErrors.map((e) => e.message).join('; '), {
      validationErrors,
    });
  }

  static field(field: string, message: string): BadUserInputError {
    return new BadUserInputError([{ field, message }]);
  }
}

export class ConflictError extends DomainError {
  constructor(reason: ConflictReason, message: string) {
    super(ErrorCode.CONFLICT, message, { reason });
  }
}

export class RateLimitedError extends DomainError {
  constructor(retryAfterSeconds: number, message = 'Too many requests; try again later') {
    super(ErrorCode.RATE_LIMITED, message, { retryAfterSeconds });
  }
}
