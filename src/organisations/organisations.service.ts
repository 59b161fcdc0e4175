import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { decodeCursor, toConnection, type Connection } from '../common/pagination/connection.js';
import { OrganisationEntity } from './entities/organisation.entity.js';
import type { OrganisationsArgs } from './dto/organisations.args.js';
import { Organisation } from './models/organisation.model.js';

@Injectable()
export class OrganisationsService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The directory, ordered by name (then id), filtered by a name or code fragment and kinds. */
  async list(args: OrganisationsArgs): Promise<Connection<Organisation>> {
    const qb = this.db.getRepository(OrganisationEntity).createQueryBuilder('o');
    if (args.search) {
      const pattern = `%${args.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      qb.andWhere('(o.name ILIKE :pattern OR o.code ILIKE :pattern)', { pattern });
    }
    if (args.kind?.length) qb.andWhere('o.kind IN (:...kinds)', { kinds: args.kind });
    const totalCount = await qb.clone().getCount();
    const cursor = decodeCursor(args.after, 2);
    if (cursor) {
      qb.andWhere('(lower(o.name), o.id) > (:name, :id)', { name: String(cursor[0]), id: String(cursor[1]) });
    }
    const rows = await qb.orderBy('lower(o.name)', 'ASC').addOrderBy('o.id', 'ASC').limit(args.first + 1).getMany();
    return toConnection(rows, args.first, totalCount, (o) => [o.name.toLowerCase(), o.id], Organisation.fromEntity);
  }

  async findById(id: string): Promise<Organisation | null> {
    const row = await this.db.getRepository(OrganisationEntity).findOneBy({ id });
    return row ? Organisation.fromEntity(row) : null;
  }
}
