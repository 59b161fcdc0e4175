import { DirectoryAndIncidents1764100000000 } from './1764100000000-directory-and-incidents.js';
import { IdentityAndAudit1764200000000 } from './1764200000000-identity-and-audit.js';

/**
 * The migrations, oldest first. They are listed (not globbed) so that the compiled app, the
 * migration CLI and the TypeScript test run all load exactly the same set; `npm run
 * migration:generate` writes a new file here, which is then added to this list.
 */
export const migrations = [DirectoryAndIncidents1764100000000, IdentityAndAudit1764200000000];
