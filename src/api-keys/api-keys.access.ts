import { ownOrganisationRecordsRule, type AccessRule } from '../common/access/access-rule.js';
import { Permission } from '../common/access/permission.js';

/** Another organisation's keys are not even listed to it: NOT_FOUND. */
export const API_KEY_ACCESS_RULES: AccessRule<any>[] = [ownOrganisationRecordsRule(Permission.ApiKeyManage, 'API key', 'api_keys')];
