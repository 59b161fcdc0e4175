import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AccessService } from '../common/access/access.service.js';
import { EventBus } from '../common/events/event-bus.service.js';
import { TransactionService } from './transaction.service.js';

/**
 * What every feature service works with, injected as one: `db` to read (SQL, the request's
 * loaders), `tx` to write (`tx.run`: one transaction, audit, idempotency claim, after-commit
 * events), `access` for record checks and `events` for subscriptions. A service names these
 * once (`private readonly kit: FeatureKit`) and then only what is its own: the other features'
 * services it reads through, its caches, its configuration.
 */
@Injectable()
export class FeatureKit {
  constructor(
    @InjectDataSource() readonly db: DataSource,
    readonly tx: TransactionService,
    readonly access: AccessService,
    readonly events: EventBus,
  ) {}
}
