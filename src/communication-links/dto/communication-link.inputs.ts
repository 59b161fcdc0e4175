import { ArgsType, Field, ID, InputType } from '@nestjs/graphql';
import { ArrayMaxSize, ArrayMinSize, IsBoolean, IsEnum, IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';
import { PHONE_PATTERN } from '../../organisations/dto/organisation.inputs.js';
import { CommunicationChannel, CommunicationLinkStatus } from '../models/communication-link-enums.js';

const NOT_BLANK = /\S/;

@InputType()
export class ProposeCommunicationLinkInput {
  @Field(() => ID)
  @IsUUID()
  incidentId: string;

  @Field()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  @Matches(NOT_BLANK, { message: 'name must not be blank' })
  name: string;

  @Field(() => CommunicationChannel)
  @IsEnum(CommunicationChannel)
  channel: CommunicationChannel;

  @Field({ description: 'Talkgroup, phone number, meeting address or place, as the channel needs.' })
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  @Matches(NOT_BLANK, { message: 'address must not be blank' })
  address: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  schedule?: string;

  @Field(() => [ID], { description: "Each must take part in the incident; the caller's own organisation joins as ACCEPTED." })
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsUUID(undefined, { each: true })
  participantOrganisationIds: string[];

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  @Matches(NOT_BLANK, { message: 'contactName must not be blank' })
  contactName?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(PHONE_PATTERN, { message: 'contactPhone must be a phone number' })
  contactPhone?: string;
}

@InputType()
export class RespondToCommunicationLinkInput {
  @Field(() => ID)
  @IsUUID()
  linkId: string;

  @Field()
  @IsBoolean()
  accept: boolean;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  @Matches(NOT_BLANK, { message: 'contactName must not be blank' })
  contactName?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(PHONE_PATTERN, { message: 'contactPhone must be a phone number' })
  contactPhone?: string;
}

@ArgsType()
export class CommunicationLinksArgs {
  @Field(() => [CommunicationLinkStatus], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(3)
  @IsEnum(CommunicationLinkStatus, { each: true })
  status?: CommunicationLinkStatus[];
}
