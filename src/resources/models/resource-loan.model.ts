import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { ResourceLoanStatus } from './resource.enums.js';
import { ApiScope } from '../../common/auth/roles.js';
import { RequiresScope } from '../../common/auth/requires-scope.decorator.js';

/** A `resource_loans` row as the services select it (LOAN_COLUMNS), with its incident; JSON-safe for the event bus. */
export interface ResourceLoanRow {
  id: string;
  request_id: string;
  incident_id: string;
  holding_id: string;
  lending_organisation_id: string;
  quantity: number;
  status: ResourceLoanStatus;
  note: string | null;
  offered_at: Date | string;
  accepted_at: Date | string | null;
  dispatched_at: Date | string | null;
  returned_at: Date | string | null;
  updated_at: Date | string;
}

/** Columns of `resource_loans l JOIN resource_requests r`. */
export const LOAN_COLUMNS = `l.id, l.request_id, r.incident_id, l.holding_id, l.lending_organisation_id, l.quantity, l.status, l.note,
  l.offered_at, l.accepted_at, l.dispatched_at, l.returned_at, l.updated_at`;

const date = (v: Date | string | null): Date | null => (v === null ? null : new Date(v));

@RequiresScope(ApiScope.RESOURCES_READ)
@ObjectType()
export class ResourceLoan {
  @Field(() => ID)
  id: string;

  requestId: string;
  incidentId: string;
  holdingId: string;
  lendingOrganisationId: string;

  @Field(() => Int)
  quantity: number;

  @Field(() => ResourceLoanStatus)
  status: ResourceLoanStatus;

  @Field(() => String, { nullable: true })
  note: string | null;

  @Field()
  offeredAt: Date;

  @Field(() => Date, { nullable: true })
  acceptedAt: Date | null;

  @Field(() => Date, { nullable: true })
  dispatchedAt: Date | null;

  @Field(() => Date, { nullable: true })
  returnedAt: Date | null;

  @Field()
  updatedAt: Date;

  static fromRow(r: ResourceLoanRow): ResourceLoan {
    return Object.assign(new ResourceLoan(), {
      id: r.id,
      requestId: r.request_id,
      incidentId: r.incident_id,
      holdingId: r.holding_id,
      lendingOrganisationId: r.lending_organisation_id,
      quantity: r.quantity,
      status: r.status,
      note: r.note,
      offeredAt: new Date(r.offered_at),
      acceptedAt: date(r.accepted_at),
      dispatchedAt: date(r.dispatched_at),
      returnedAt: date(r.returned_at),
      updatedAt: new Date(r.updated_at),
    });
  }
}
