import { ownOrganisationRecordsRule, type AccessRule } from '../common/access/access-rule.js';
import { Permission } from '../common/access/permission.js';

/** Another organisation's endpoints (and their deliveries) are not even listed to it: NOT_FOUND. */
export const NOTIFICATION_ACCESS_RULES: AccessRule<any>[] = [ownOrganisationRecordsRule(Permission.WebhookEndpointManage, 'WebhookEndpoint', 'webhook_endpoints')];
