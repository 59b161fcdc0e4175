import { Field, ID, ObjectType } from '@nestjs/graphql';
import { ResourceCategory } from './resource.enums.js';
import { ApiScope } from '../../common/auth/roles.js';
import { RequiresScope } from '../../common/auth/requires-scope.decorator.js';

export interface ResourceTypeRow {
  id: string;
  code: string;
  name: string;
  category: ResourceCategory;
  unit: string;
  description: string | null;
}

export const RESOURCE_TYPE_COLUMNS = `id, code, name, category, unit, description`;

@RequiresScope(ApiScope.RESOURCES_READ)
@ObjectType({ description: 'An entry of the shared resource catalogue, e.g. POSOM team, 20 kVA generator, water tank 1 m³.' })
export class ResourceType {
  @Field(() => ID)
  id: string;

  @Field()
  code: string;

  @Field()
  name: string;

  @Field(() => ResourceCategory)
  category: ResourceCategory;

  @Field({ description: 'Unit of quantity, e.g. pcs, persons, litres.' })
  unit: string;

  @Field(() => String, { nullable: true })
  description: string | null;

  static fromRow(r: ResourceTypeRow): ResourceType {
    return Object.assign(new ResourceType(), { id: r.id, code: r.code, name: r.name, category: r.category, unit: r.unit, description: r.description });
  }
}
