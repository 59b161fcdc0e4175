import { DirectoryAndIncidents1764100000000 } from './1764100000000-directory-and-incidents.js';
import { IdentityAndAudit1764200000000 } from './1764200000000-identity-and-audit.js';
import { SituationReports1764300000000 } from './1764300000000-situation-reports.js';
import { ResourceRequestsAndLoans1764400000000 } from './1764400000000-resource-requests-and-loans.js';
import { CommunicationLinks1764500000000 } from './1764500000000-communication-links.js';
import { ReportCountIndex1764600000000 } from './1764600000000-report-count-index.js';
import { PictureStamps1764700000000 } from './1764700000000-picture-stamps.js';
import { HubOrganisation1764800000000 } from './1764800000000-hub-organisation.js';
import { StaffLog1764900000000 } from './1764900000000-staff-log.js';
import { Scenarios1765000000000 } from './1765000000000-scenarios.js';
import { WebhookOutbox1765100000000 } from './1765100000000-webhook-outbox.js';
import { EmailNotifications1765200000000 } from './1765200000000-email-notifications.js';

/**
 * The migrations, oldest first. They are listed (not globbed) so that the compiled app, the
 * migration CLI and the TypeScript test run all load exactly the same set; `npm run
 * migration:generate` writes a new file here, which is then added to this list.
 */
export const migrations = [DirectoryAndIncidents1764100000000, IdentityAndAudit1764200000000, SituationReports1764300000000, ResourceRequestsAndLoans1764400000000, CommunicationLinks1764500000000, ReportCountIndex1764600000000, PictureStamps1764700000000, HubOrganisation1764800000000, StaffLog1764900000000, Scenarios1765000000000, WebhookOutbox1765100000000, EmailNotifications1765200000000];
