import { Field, ID, ObjectType } from '@nestjs/graphql';
import { Paginated } from '../../common/pagination/connection.js';
import { OrganisationKind } from './organisation-kind.enum.js';

/** An `organisations` row as OrganisationsService selects it (its own feature's statements only). */
export interface OrganisationRow {
  id: string;
  name: string;
  code: string;
  kind: OrganisationKind;
  dutyOfficerPhone: string | null;
  email: string | null;
  active: boolean;
}

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

  static fromRow(e: OrganisationRow): Organisation {
    return Object.assign(new Organisation(), {
      id: e.id,
      name: e.name,
      code: e.code,
      kind: e.kind,
      dutyOfficerPhone: e.dutyOfficerPhone,
      email: e.email,
      active: e.active,
    });
  }
}

@ObjectType()
export class OrganisationConnection extends Paginated(Organisation) {}
