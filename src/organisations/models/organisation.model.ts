import { Field, ID, ObjectType } from '@nestjs/graphql';
import { Paginated } from '../../common/pagination/connection.js';
import { OrganisationKind } from './organisation-kind.enum.js';

@ObjectType({ description: 'A participating actor: a municipality, the police, a rescue service, a region...' })
export class Organisation {
  @Field(() => ID)
  id: string;

  @Field()
  name: string;

  @Field({ description: 'Short unique code, e.g. NORRTALJE, POLISEN-STHLM.' })
  code: string;

  @Field(() => OrganisationKind)
  kind: OrganisationKind;

  @Field(() => String, { nullable: true, description: '24/7 duty officer (tjänsteman i beredskap) phone number.' })
  dutyOfficerPhone: string | null;

  @Field(() => String, { nullable: true })
  email: string | null;

  @Field()
  active: boolean;
}

@ObjectType()
export class OrganisationConnection extends Paginated(Organisation) {}
