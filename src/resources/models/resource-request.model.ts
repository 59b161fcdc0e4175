import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { GeoPoint } from '../../incidents/models/geo-point.model.js';
import { Paginated } from '../../common/pagination/connection.js';
import { ResourceRequestPriority, ResourceRequestStatus } from './resource.enums.js';
import { ApiScope } from '../../common/auth/roles.js';
import { RequiresScope } from '../../common/auth/requires-scope.decorator.js';

/** A `resource_requests` row as the services select it (REQUEST_COLUMNS); JSON-safe for the event bus. */
export interface ResourceRequestRow {
  id: string;
  incident_id: string;
  requesting_organisation_id: string;
  resource_type_id: string;
  quantity_requested: number;
  quantity_filled: number;
  priority: ResourceRequestPriority;
  status: ResourceRequestStatus;
  needed_by: Date | string | null;
  delivery_latitude: number | null;
  delivery_longitude: number | null;
  delivery_location_name: string | null;
  justification: string | null;
  created_by_user_id: string | null;
  created_at: Date | string;
  updated_at: Date | string;
}

/** Columns of `resource_requests r`. */
export const REQUEST_COLUMNS = `r.id, r.incident_id, r.requesting_organisation_id, r.resource_type_id, r.quantity_requested,
  r.quantity_filled, r.priority, r.status, r.needed_by, r.delivery_latitude, r.delivery_longitude, r.delivery_location_name,
  r.justification, r.created_by_user_id, r.created_at, r.updated_at`;

@RequiresScope(ApiScope.RESOURCES_READ)
@ObjectType()
export class ResourceRequest {
  @Field(() => ID)
  id: string;

  incidentId: string;
  requestingOrganisationId: string;
  resourceTypeId: string;
  createdByUserId: string | null;

  @Field(() => Int)
  quantityRequested: number;

  @Field(() => Int, { description: 'Sum over loans that are ACCEPTED, DISPATCHED or RETURNED. Never above quantityRequested.' })
  quantityFilled: number;

  @Field(() => ResourceRequestPriority)
  priority: ResourceRequestPriority;

  @Field(() => ResourceRequestStatus)
  status: ResourceRequestStatus;

  @Field(() => Date, { nullable: true })
  neededBy: Date | null;

  @Field(() => GeoPoint, { nullable: true })
  deliveryLocation: GeoPoint | null;

  @Field(() => String, { nullable: true })
  deliveryLocationName: string | null;

  @Field(() => String, { nullable: true })
  justification: string | null;

  @Field()
  createdAt: Date;

  @Field()
  updatedAt: Date;

  static fromRow(r: ResourceRequestRow): ResourceRequest {
    return Object.assign(new ResourceRequest(), {
      id: r.id,
      incidentId: r.incident_id,
      requestingOrganisationId: r.requesting_organisation_id,
      resourceTypeId: r.resource_type_id,
      createdByUserId: r.created_by_user_id,
      quantityRequested: r.quantity_requested,
      quantityFilled: r.quantity_filled,
      priority: r.priority,
      status: r.status,
      neededBy: r.needed_by === null ? null : new Date(r.needed_by),
      deliveryLocation: GeoPoint.fromColumns(r.delivery_latitude, r.delivery_longitude),
      deliveryLocationName: r.delivery_location_name,
      justification: r.justification,
      createdAt: new Date(r.created_at),
      updatedAt: new Date(r.updated_at),
    });
  }
}

@ObjectType()
export class ResourceRequestConnection extends Paginated(ResourceRequest) {}
