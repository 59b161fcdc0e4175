import { ArgsType, Field, ID, InputType } from '@nestjs/graphql';
import { ArrayMaxSize, ArrayMinSize, IsBoolean, IsEnum, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { IsNotBlank, IsPhoneNumber } from '../../common/validation/patterns.js';
import { CommunicationChannel, CommunicationLinkStatus } from '../models/communication-link-enums.js';

@InputType()
export class ProposeCommunicationLinkInput {
  @Field(() => ID)
  @IsUUID()
  incidentId: string;

  @Field()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  @IsNotBlank()
  name: string;

  @Field(() => CommunicationChannel)
  @IsEnum(CommunicationChannel)
  channel: CommunicationChannel;

  @Field({ description: 'Talkgroup, phone number, meeting address or place, as the channel needs.' })
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  @IsNotBlank()
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
  @IsNotBlank()
  contactName?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsPhoneNumber()
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
  @IsNotBlank()
  contactName?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsPhoneNumber()
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
