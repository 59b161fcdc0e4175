import { OrganisationEntity } from '../organisations/entities/organisation.entity.js';

/** Every TypeORM entity of the hub; the data source and the migration CLI share this list. */
export const entities = [OrganisationEntity];
