import { type DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD, APP_PIPE } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiKeysModule } from './api-keys/api-keys.module.js';
import { AuditModule } from './audit/audit.module.js';
import { AuthModule } from './auth/auth.module.js';
import { PrincipalLookupService } from './auth/principal-lookup.service.js';
import { IdempotencyService } from './common/idempotency/idempotency.service.js';
import { HubAuthGuard } from './common/auth/hub-auth.guard.js';
import { PrincipalThrottlerGuard } from './common/rate-limit/principal-throttler.guard.js';
import { RateLimiter } from './common/rate-limit/rate-limiter.js';
import { Authenticator } from './common/auth/authenticator.js';
import { CommonModule } from './common/common.module.js';
import { CommunicationLinksModule } from './communication-links/communication-links.module.js';
import { HubValidationPipe } from './common/errors/validation.js';
import { graphqlOptions } from './graphql/graphql-options.js';
import { WebsocketFrameLimit } from './graphql/websocket-frame-limit.js';
import { LoggingModule } from './common/logging/logging.module.js';
import { AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { DatabaseModule } from './database/database.module.js';
import { dataSourceOptions } from './database/data-source-options.js';
import { HealthModule } from './health/health.module.js';
import { IncidentsModule } from './incidents/incidents.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { MetricsService } from './metrics/metrics.service.js';
import { WebsocketSessionsService } from './auth/websocket-sessions.service.js';
import { NotificationsModule } from './notifications/notifications.module.js';
import { OrganisationsModule } from './organisations/organisations.module.js';
import { ResourcesModule } from './resources/resources.module.js';
import { ScenariosModule } from './scenarios/scenarios.module.js';
import { StaffLogModule } from './staff-log/staff-log.module.js';
import { UsersModule } from './users/users.module.js';

@Module({})
export class AppModule {
  /** The whole hub for one configuration (its database URL already known). */
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule,
        MetricsModule,
        TypeOrmModule.forRoot({ ...dataSourceOptions(config), retryAttempts: 3, retryDelay: 1000 }),
        GraphQLModule.forRootAsync<ApolloDriverConfig>({
          driver: ApolloDriver,
          imports: [AuthModule, CommonModule],
          inject: [AppConfig, MetricsService, PrincipalLookupService, Authenticator, IdempotencyService, WebsocketSessionsService, RateLimiter],
          useFactory: (
            cfg: AppConfig,
            metrics: MetricsService,
            principals: PrincipalLookupService,
            authn: Authenticator,
            idempotency: IdempotencyService,
            sessions: WebsocketSessionsService,
            limiter: RateLimiter,
          ) => graphqlOptions(cfg, { metrics, principals, authn, idempotency, sessions, limiter }),
        }),
        CommonModule,
        DatabaseModule,
        AuthModule,
        HealthModule,
        OrganisationsModule,
        UsersModule,
        ApiKeysModule,
        AuditModule,
        IncidentsModule,
        CommunicationLinksModule,
        ResourcesModule,
        StaffLogModule,
        ScenariosModule,
        NotificationsModule,
      ],
      providers: [
        { provide: APP_PIPE, useClass: HubValidationPipe },
        // Before HubAuthGuard: requests whose credentials HubAuthGuard refuses are counted too
        // (per client address); the throttler authenticates, and the guard reuses the outcome.
        { provide: APP_GUARD, useClass: PrincipalThrottlerGuard },
        { provide: APP_GUARD, useClass: HubAuthGuard },
        WebsocketFrameLimit,
      ],
    };
  }
}
