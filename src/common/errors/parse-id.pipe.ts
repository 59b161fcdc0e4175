import { type ArgumentMetadata, Injectable, type PipeTransform } from '@nestjs/common';
import { BadUserInputError } from './domain-errors.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/** IDs are UUIDs: anything else is BAD_USER_INPUT naming the argument, never a database error. */
@Injectable()
export class ParseIdPipe implements PipeTransform<unknown, string | undefined> {
  transform(value: unknown, metadata: ArgumentMetadata): string | undefined {
    if (value === undefined || value === null) return undefined;
    if (!isUuid(value)) throw BadUserInputError.field(metadata.data ?? 'id', `${metadata.data ?? 'id'} must be a UUID`);
    return value.toLowerCase();
  }
}
