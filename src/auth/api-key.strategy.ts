import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { HeaderAPIKeyStrategy } from 'passport-headerapikey';
import type { Principal } from '../common/auth/principal.js';
import { PrincipalLookupService } from './principal-lookup.service.js';

/** `X-Api-Key: shk_…` for partner systems. */
@Injectable()
export class ApiKeyStrategy extends PassportStrategy(HeaderAPIKeyStrategy, 'api-key') {
  constructor(private readonly authn: PrincipalLookupService) {
    super({ header: 'X-Api-Key', prefix: '' }, false);
  }

  validate(secret: string): Promise<Principal> {
    return this.authn.principalForApiKey(secret);
  }
}
