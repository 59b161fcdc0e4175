import { ApiScope, Role, roleAtLeast } from './roles.js';

/** Who is asking: a user (JWT) or an API key, always for one organisation. */
export interface Principal {
  kind: 'user' | 'apiKey';
  userId: string | null;
  apiKeyId: string | null;
  organisationId: string;
  /** An API key acts like a LIAISON_OFFICER of its organisation, narrowed by its scopes. */
  role: Role;
  scopes: ApiScope[] | null;
  /** The refresh-token family the access token was issued in (users only). */
  sessionId?: string | null;
}

export function isAtLeast(p: Principal | undefined, role: Role): boolean {
  return !!p && roleAtLeast(p.role, role);
}

/** ADMIN and COORDINATOR see every incident; the others those their organisation takes part in. */
export function seesAllIncidents(p: Principal): boolean {
  return p.kind === 'user' && (p.role === Role.ADMIN || p.role === Role.COORDINATOR);
}

export function isAdmin(p: Principal): boolean {
  return p.kind === 'user' && p.role === Role.ADMIN;
}

export function principalKey(p: Principal): string {
  return p.kind === 'user' ? `user:${p.userId}` : `key:${p.apiKeyId}`;
}
