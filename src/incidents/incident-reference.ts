import { BadUserInputError } from '../common/errors/domain-errors.js';
import { isUuid } from '../common/errors/parse-id.pipe.js';

/** What an incident reference can look like: at most the 20 characters of its column. */
const REFERENCE = /^[A-Za-z0-9][A-Za-z0-9-]{0,19}$/;

/** A page's incident, by its UUID or by its reference (DEMO-0001), which is what people have at hand: BAD_USER_INPUT on `id` for anything else. */
export function requireIncidentIdOrReference(idOrReference: string): void {
  if (!isUuid(idOrReference) && !REFERENCE.test(idOrReference)) throw BadUserInputError.field('id', 'id must be an incident UUID or reference (e.g. DEMO-0001)');
}
