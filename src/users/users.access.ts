import { ownOrganisationRecordsRule, type AccessRule } from '../common/access/access-rule.js';
import { Permission } from '../common/access/permission.js';

export const USER_ACCESS_RULES: AccessRule<any>[] = [ownOrganisationRecordsRule(Permission.UserRead, 'User', 'users')];
