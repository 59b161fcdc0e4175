import { Global, Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { ApiKeyStrategy } from './api-key.strategy.js';
import { AuthResolver } from './auth.resolver.js';
import { AuthService } from './auth.service.js';
import { ConsoleSessionController } from './console-session.controller.js';
import { Authenticator } from '../common/auth/authenticator.js';
import { AuthenticationService } from './authentication.service.js';
import { JwtStrategy } from './jwt.strategy.js';
import { JwtTokenService } from './jwt-token.service.js';
import { LoginThrottleService } from './login-throttle.service.js';
import { ApiKeysModule } from '../api-keys/api-keys.module.js';
import { UsersModule } from '../users/users.module.js';
import { PrincipalLookupService } from './principal-lookup.service.js';
import { WebsocketSessionsService } from './websocket-sessions.service.js';

@Global()
@Module({
  imports: [PassportModule, JwtModule.register({}), UsersModule, ApiKeysModule],
  controllers: [ConsoleSessionController],
  providers: [AuthResolver, AuthService, AuthenticationService, JwtStrategy, ApiKeyStrategy, JwtTokenService, LoginThrottleService, PrincipalLookupService, WebsocketSessionsService, { provide: Authenticator, useExisting: AuthenticationService }],
  exports: [Authenticator, PrincipalLookupService, WebsocketSessionsService],
})
export class AuthModule {}
