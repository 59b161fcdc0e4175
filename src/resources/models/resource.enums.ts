import { registerEnumType } from '@nestjs/graphql';

export enum ResourceCategory {
  PERSONNEL = 'PERSONNEL',
  TEAM = 'TEAM',
  VEHICLE = 'VEHICLE',
  EQUIPMENT = 'EQUIPMENT',
  SUPPLIES = 'SUPPLIES',
  FACILITY = 'FACILITY',
}
registerEnumType(ResourceCategory, { name: 'ResourceCategory' });

export enum ResourceRequestPriority {
  LOW = 'LOW',
  NORMAL = 'NORMAL',
  HIGH = 'HIGH',
  LIFE_SAVING = 'LIFE_SAVING',
}
registerEnumType(ResourceRequestPriority, { name: 'ResourceRequestPriority' });

export enum ResourceRequestStatus {
  OPEN = 'OPEN',
  PARTIALLY_FILLED = 'PARTIALLY_FILLED',
  FILLED = 'FILLED',
  CANCELLED = 'CANCELLED',
  CLOSED = 'CLOSED',
}
registerEnumType(ResourceRequestStatus, { name: 'ResourceRequestStatus' });

export enum ResourceLoanStatus {
  OFFERED = 'OFFERED',
  ACCEPTED = 'ACCEPTED',
  DECLINED = 'DECLINED',
  DISPATCHED = 'DISPATCHED',
  RETURNED = 'RETURNED',
  WITHDRAWN = 'WITHDRAWN',
  CANCELLED = 'CANCELLED',
}
registerEnumType(ResourceLoanStatus, {
  name: 'ResourceLoanStatus',
  description: `One lending of a quantity from one holding to one request, following EDXL-RM:
OFFERED -> ACCEPTED -> DISPATCHED -> RETURNED; OFFERED -> DECLINED;
OFFERED or ACCEPTED -> WITHDRAWN (by the lender, before dispatch);
ACCEPTED -> CANCELLED (by the requester, before dispatch).
Quantity is reserved from the holding from ACCEPTED until RETURNED, WITHDRAWN or CANCELLED.`,
});
