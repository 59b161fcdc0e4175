import { Args, ID, Query, Resolver } from '@nestjs/graphql';
import { ParseIdPipe } from '../common/errors/parse-id.pipe.js';
import { OrganisationsArgs } from './dto/organisations.args.js';
import { Organisation, OrganisationConnection } from './models/organisation.model.js';
import { OrganisationsService } from './organisations.service.js';

@Resolver(() => Organisation)
export class OrganisationsResolver {
  constructor(private readonly service: OrganisationsService) {}

  @Query(() => OrganisationConnection)
  organisations(@Args() args: OrganisationsArgs) {
    return this.service.list(args);
  }

  @Query(() => Organisation, { nullable: true })
  organisation(@Args('id', { type: () => ID }, ParseIdPipe) id: string) {
    return this.service.findById(id);
  }
}
