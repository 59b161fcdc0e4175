import { ArgsType, Field, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsDate, IsOptional, IsString, IsUUID, MaxLength, ValidateNested } from 'class-validator';
import { ConnectionArgs, Paginated } from '../../common/pagination/connection.js';
import { IsTimeWithin } from '../../common/validation/time-window.decorator.js';
import type { StoredAuditEvent } from '../audit-chain.writer.js';

export interface AuditEventRow {
  sequence: string;
  id: string;
  occurred_at: Date;
  action: string;
  entity_type: string;
  entity_id: string | null;
  actor_user_id: string | null;
  actor_api_key_id: string | null;
  actor_organisation_id: string | null;
  details: string | null;
  request_id: string | null;
  client_address: string | null;
  prev_hash: string;
  hash: string;
}

/** A stored row as the content its hash covers (the chain's verifier), and the model's fields. */
export function storedEvent(r: AuditEventRow): StoredAuditEvent {
  return {
    sequence: Number(r.sequence),
    occurredAt: r.occurred_at,
    action: r.action,
    entityType: r.entity_type,
    entityId: r.entity_id,
    actorUserId: r.actor_user_id,
    actorApiKeyId: r.actor_api_key_id,
    actorOrganisationId: r.actor_organisation_id,
    details: r.details,
    requestId: r.request_id,
    clientAddress: r.client_address,
  };
}

@ObjectType({ description: 'One recorded change. Written in the same transaction as the change; never updated or deleted.' })
export class AuditEvent {
  @Field(() => ID)
  id: string;

  @Field(() => Int, { description: 'Position in the hub-wide chain, 1, 2, 3...' })
  sequence: number;

  @Field()
  occurredAt: Date;

  @Field({ description: 'e.g. situationReport.submit, resourceLoan.accept.' })
  action: string;

  @Field()
  entityType: string;

  @Field(() => ID, { nullable: true })
  entityId: string | null;

  actorUserId: string | null;
  actorApiKeyId: string | null;
  actorOrganisationId: string | null;

  @Field(() => String, { nullable: true, description: 'The change, as JSON text.' })
  details: string | null;

  @Field({ description: "SHA-256 over the previous event's hash and this event's content." })
  hash: string;

  static fromRow(r: AuditEventRow): AuditEvent {
    // The request id and client address stay in the table: they are no field of the model.
    const { requestId: _requestId, clientAddress: _clientAddress, ...content } = storedEvent(r);
    return Object.assign(new AuditEvent(), content, { id: r.id, hash: r.hash });
  }
}

@ObjectType()
export class AuditEventConnection extends Paginated(AuditEvent) {}

@InputType()
export class AuditEventFilter {
  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  entityType?: string;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  entityId?: string;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  actorOrganisationId?: string;

  @Field({ nullable: true })
  @IsOptional()
  @IsDate()
  @IsTimeWithin()
  since?: Date;

  @Field({ nullable: true })
  @IsOptional()
  @IsDate()
  @IsTimeWithin()
  until?: Date;
}

@ObjectType()
export class AuditChainVerification {
  @Field()
  valid: boolean;

  @Field(() => Int)
  checkedEvents: number;

  @Field(() => Int, { nullable: true, description: 'The first event whose hash does not match, when invalid.' })
  firstInvalidSequence: number | null;
}

@ArgsType()
export class AuditEventsArgs extends ConnectionArgs {
  @Field(() => AuditEventFilter, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => AuditEventFilter)
  filter?: AuditEventFilter;
}
