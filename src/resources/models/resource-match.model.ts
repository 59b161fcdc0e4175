import { Field, Float, Int, ObjectType } from '@nestjs/graphql';
import { ResourceHolding } from './resource-holding.model.js';
import { ApiScope } from '../../common/auth/roles.js';
import { RequiresScope } from '../../common/auth/requires-scope.decorator.js';

@RequiresScope(ApiScope.RESOURCES_READ)
@ObjectType({ description: 'A holding that could serve a request, best first.' })
export class ResourceMatch {
  @Field(() => ResourceHolding)
  holding: ResourceHolding;

  @Field(() => Int, { description: 'min(quantityAvailable, what the request still needs).' })
  quantityOffered: number;

  @Field(() => Float, { nullable: true, description: 'Great-circle distance from the holding to the delivery location, when both are known.' })
  distanceKm: number | null;

  @Field(() => Float, { description: 'Higher is better; covers the whole remaining need first, then nearer.' })
  score: number;
}
