import { registerEnumType } from '@nestjs/graphql';

export enum IncidentCategory {
  FLOOD = 'FLOOD',
  STORM = 'STORM',
  WILDFIRE = 'WILDFIRE',
  FIRE = 'FIRE',
  SNOW_AND_ICE = 'SNOW_AND_ICE',
  HEATWAVE = 'HEATWAVE',
  POWER_OUTAGE = 'POWER_OUTAGE',
  WATER_SUPPLY = 'WATER_SUPPLY',
  TELECOM_OUTAGE = 'TELECOM_OUTAGE',
  IT_INCIDENT = 'IT_INCIDENT',
  PANDEMIC = 'PANDEMIC',
  CBRN = 'CBRN',
  TRANSPORT_ACCIDENT = 'TRANSPORT_ACCIDENT',
  PUBLIC_ORDER = 'PUBLIC_ORDER',
  TERRORISM = 'TERRORISM',
  OTHER = 'OTHER',
}
registerEnumType(IncidentCategory, { name: 'IncidentCategory' });

export enum IncidentStatus {
  ACTIVE = 'ACTIVE',
  MONITORING = 'MONITORING',
  CLOSED = 'CLOSED',
}
registerEnumType(IncidentStatus, { name: 'IncidentStatus' });

/** How hard the reporting organisation's own operations are affected. */
export enum OperationalStatus {
  NORMAL = 'NORMAL',
  STRAINED = 'STRAINED',
  SEVERELY_STRAINED = 'SEVERELY_STRAINED',
  CRITICAL = 'CRITICAL',
}
registerEnumType(OperationalStatus, { name: 'OperationalStatus', description: "How hard the reporting organisation's own operations are affected." });

export enum ReportVisibility {
  ALL_PARTICIPANTS = 'ALL_PARTICIPANTS',
  RESTRICTED = 'RESTRICTED',
}
registerEnumType(ReportVisibility, {
  name: 'ReportVisibility',
  valuesMap: {
    ALL_PARTICIPANTS: { description: 'Every organisation taking part in the incident.' },
    RESTRICTED: { description: 'Only the reporting organisation and the listed recipients.' },
  },
});
