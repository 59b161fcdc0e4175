import { createSecretKey, type KeyObject } from 'node:crypto';
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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The claims of a verified access token, if they are those the hub issues: a user and a session
 * (both ids), and an expiry no further than the access-token lifetime from its issue (the hub
 * sets exactly that, both in whole seconds). The signature alone does not say so: jsonwebtoken accepts a token without `exp` for ever, and one
 * without `sid` would escape logout, which ends sessions.
 */
export function accessTokenClaims(payload: unknown, maxTtlSeconds: number): AccessTokenPayload {
  const p = (payload ?? {}) as Record<string, unknown>;
  const ok =
    typeof p.sub === 'string' && UUID.test(p.sub) &&
    typeof p.sid === 'string' && UUID.test(p.sid) &&
    typeof p.iat === 'number' && typeof p.exp === 'number' &&
    p.exp > p.iat && p.exp - p.iat <= maxTtlSeconds;
  if (!ok) throw new UnauthenticatedError('The access token is invalid or has expired');
  return p as unknown as AccessTokenPayload;
}

/**
 * The HMAC key as a `KeyObject`, built once. Given a string, jsonwebtoken first tries
 * `createPublicKey` on it for every token, which throws and falls back to `createSecretKey`: that
 * throw cost about 6 % of the hub's CPU per request in `npm run bench`. jsonwebtoken accepts a
 * `KeyObject` as is; the types of @nestjs/jwt and passport-jwt only name `string | Buffer`.
 */
export function hmacKey(secret: string): string {
  return createSecretKey(Buffer.from(secret, 'utf8')) satisfies KeyObject as unknown as string;
}

/** Short-lived access tokens: HS256 pinned, issuer checked, the secret from configuration. */
@Injectable()
export class JwtTokenService {
  constructor(
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
  ) {
    this.key = hmacKey(config.auth.jwtSecret);
  }

  private readonly key: string;

  async sign(payload: AccessTokenPayload): Promise<{ token: string; expiresAt: Date }> {
    const ttl = this.config.auth.accessTtlSeconds;
    const token = await this.jwt.signAsync(payload, { algorithm: JWT_ALGORITHM, expiresIn: ttl, issuer: JWT_ISSUER, secret: this.key });
    return { token, expiresAt: new Date(Date.now() + ttl * 1000) };
  }

  async verify(token: string): Promise<AccessTokenPayload> {
    let payload: unknown;
    try {
      payload = await this.jwt.verifyAsync<AccessTokenPayload>(token, { algorithms: [JWT_ALGORITHM], issuer: JWT_ISSUER, secret: this.key });
    } catch {
      throw new UnauthenticatedError('The access token is invalid or has expired');
    }
    return accessTokenClaims(payload, this.config.auth.accessTtlSeconds);
  }
}
