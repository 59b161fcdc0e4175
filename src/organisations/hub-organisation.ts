/**
 * The hub's own organisation, where its administrators live. It is production data: a migration
 * creates it (migrations/1764800000000-hub-organisation.ts), so that HUB_ADMIN_* and the demo
 * region both find it.
 */
export const HUB_ORGANISATION_CODE = 'HUB';
