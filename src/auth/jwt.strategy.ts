import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import type { Principal } from '../common/auth/principal.js';
import { AppConfig } from '../config/app-config.js';
import { PrincipalLookupService } from './principal-lookup.service.js';
import { accessTokenClaims, hmacKey, JWT_ALGORITHM, JWT_ISSUER } from './jwt-token.service.js';

/** `Authorization: Bearer <access token>`. */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    private readonly config: AppConfig,
    private readonly authn: PrincipalLookupService,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: hmacKey(config.auth.jwtSecret),
      algorithms: [JWT_ALGORITHM],
      issuer: JWT_ISSUER,
      ignoreExpiration: false,
    });
  }

  async validate(payload: unknown): Promise<Principal> {
    const claims = accessTokenClaims(payload, this.config.auth.accessTtlSeconds);
    return this.authn.principalForUser(claims.sub, claims.sid);
  }
}
