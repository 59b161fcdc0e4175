import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { GeoPoint } from '../../incidents/models/geo-point.model.js';
import { ApiScope } from '../../common/auth/roles.js';
import { RequiresScope } from '../../common/auth/requires-scope.decorator.js';

export interface ResourceHoldingRow {
  id: string;
  organisation_id: string;
  resource_type_id: string;
  quantity_total: number;
  quantity_committed: number;
  latitude: number | null;
  longitude: number | null;
  location_name: string | null;
  notes: string | null;
  updated_at: Date | string;
}

/** Columns of `resource_holdings h`. */
export const HOLDING_COLUMNS = `h.id, h.organisation_id, h.resource_type_id, h.quantity_total, h.quantity_committed,
  h.latitude, h.longitude, h.location_name, h.notes, h.updated_at`;

@RequiresScope(ApiScope.RESOURCES_READ)
@ObjectType({ description: 'How much of a resource type an organisation holds, and how much of it is free to lend.' })
export class ResourceHolding {
  @Field(() => ID)
  id: string;

  /** Resolved through the organisation loader. */
  organisationId: string;

  /** Resolved through the resource-type loader. */
  resourceTypeId: string;

  @Field(() => Int)
  quantityTotal: number;

  @Field(() => Int, { description: 'Total minus what is committed to accepted or dispatched loans. Never negative.' })
  quantityAvailable: number;

  @Field(() => GeoPoint, { nullable: true })
  location: GeoPoint | null;

  @Field(() => String, { nullable: true })
  locationName: string | null;

  @Field(() => String, { nullable: true })
  notes: string | null;

  @Field()
  updatedAt: Date;

  static fromRow(r: ResourceHoldingRow): ResourceHolding {
    return Object.assign(new ResourceHolding(), {
      id: r.id,
      organisationId: r.organisation_id,
      resourceTypeId: r.resource_type_id,
      quantityTotal: r.quantity_total,
      quantityAvailable: r.quantity_total - r.quantity_committed,
      location: GeoPoint.fromColumns(r.latitude, r.longitude),
      locationName: r.location_name,
      notes: r.notes,
      updatedAt: new Date(r.updated_at),
    });
  }
}
