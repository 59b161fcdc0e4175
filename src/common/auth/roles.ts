import { registerEnumType } from '@nestjs/graphql';

export enum Role {
  ADMIN = 'ADMIN',
  COORDINATOR = 'COORDINATOR',
  LIAISON_OFFICER = 'LIAISON_OFFICER',
  VIEWER = 'VIEWER',
}

registerEnumType(Role, {
  name: 'Role',
  valuesMap: {
    ADMIN: { description: 'Administers the hub: organisations, users, API keys, the resource catalogue.' },
    COORDINATOR: { description: 'Regional coordinator: opens incidents, sees every incident, matches resources across actors.' },
    LIAISON_OFFICER: { description: 'Acts for their own organisation in the incidents it takes part in.' },
    VIEWER: { description: 'Reads what their own organisation may read; changes nothing.' },
  },
});

/** ADMIN > COORDINATOR > LIAISON_OFFICER > VIEWER: each may do what the one below it may. */
const RANK: Record<Role, number> = { ADMIN: 3, COORDINATOR: 2, LIAISON_OFFICER: 1, VIEWER: 0 };

export function roleAtLeast(role: Role, minimum: Role): boolean {
  return RANK[role] >= RANK[minimum];
}

export enum ApiScope {
  INCIDENTS_READ = 'INCIDENTS_READ',
  REPORTS_READ = 'REPORTS_READ',
  REPORTS_WRITE = 'REPORTS_WRITE',
  RESOURCES_READ = 'RESOURCES_READ',
  RESOURCES_WRITE = 'RESOURCES_WRITE',
  LINKS_READ = 'LINKS_READ',
  LINKS_WRITE = 'LINKS_WRITE',
  LOG_READ = 'LOG_READ',
  LOG_WRITE = 'LOG_WRITE',
  /** A partner system manages its own organisation's webhook endpoints and reads their delivery log. */
  WEBHOOKS_MANAGE = 'WEBHOOKS_MANAGE',
}

registerEnumType(ApiScope, {
  name: 'ApiScope',
  description: 'What an API key may do. A key acts for its organisation, never beyond what a LIAISON_OFFICER of it may do.',
});
