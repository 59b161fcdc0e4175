import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { UnauthenticatedError } from '../common/errors/domain-errors.js';
import { AppConfig } from '../config/app-config.js';

export const JWT_ALGORITHM = 'HS256';
export const JWT_ISSUER = 'samverkan-hub';

export interface AccessTokenPayload {
  sub: string;
  org: string;
  role: string;
  /** The session (refresh-token family) the token belongs to. */
  sid: string;
}

/** Short-lived access tokens: HS256 pinned, issuer checked, the secret from configuration. */
@Injectable()
export class JwtTokenService {
  constructor(
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
  ) {}

  async sign(payload: AccessTokenPayload): Promise<{ token: string; expiresAt: Date }> {
    const ttl = this.config.auth.accessTtlSeconds;
    const token = await this.jwt.signAsync(payload, { algorithm: JWT_ALGORITHM, expiresIn: ttl, issuer: JWT_ISSUER, secret: this.config.auth.jwtSecret });
    return { token, expiresAt: new Date(Date.now() + ttl * 1000) };
  }

  async verify(token: string): Promise<AccessTokenPayload> {
    try {
      return await this.jwt.verifyAsync<AccessTokenPayload>(token, { algorithms: [JWT_ALGORITHM], issuer: JWT_ISSUER, secret: this.config.auth.jwtSecret });
    } catch {
      throw new UnauthenticatedError('The access token is invalid or has expired');
    }
  }
}
