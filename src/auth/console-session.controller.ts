import { Body, Controller, HttpCode, Post, Req, Res, UseFilters } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../common/auth/access-rule.decorator.js';
import { Ctx } from '../common/auth/current-context.decorator.js';
import { BadUserInputError, ForbiddenError, UnauthenticatedError } from '../common/errors/domain-errors.js';
import { DomainErrorHttpFilter } from '../common/errors/domain-error-http.filter.js';
import type { RequestContext } from '../common/request/request-context.js';
import { AppConfig } from '../config/app-config.js';
import { AuthService } from './auth.service.js';
import type { AuthPayload } from './models/auth-payload.model.js';

/** The cookie's name and the only path it is sent to: these three endpoints. */
export const CONSOLE_SESSION_PATH = '/console/session';
export const CONSOLE_REFRESH_COOKIE = 'hub_console_refresh';
/** The header a cross-site form cannot send and a cross-site script cannot without a CORS preflight the hub never grants. */
export const CONSOLE_CSRF_HEADER = 'x-hub-console';

/** Whether a Content-Type is JSON (`application/json`, parameters aside). */
function isJson(contentType: string | undefined): boolean {
  return (contentType ?? '').split(';')[0].trim().toLowerCase() === 'application/json';
}

/** The refresh token from the Cookie header (no cookie parser for one cookie). */
function refreshCookie(req: FastifyRequest): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === CONSOLE_REFRESH_COOKIE) return decodeURIComponent(part.slice(at + 1).trim());
  }
  return undefined;
}

/**
 * The web console's session: the login and the rotation of AuthService (same throttling, same
 * single-use refresh tokens with reuse detection), but the refresh token travels in an HttpOnly,
 * SameSite=Strict cookie scoped to this path (Secure in production), never to the page's script.
 * The page keeps only the short-lived access token, in memory, and sends it as a Bearer token to
 * /graphql like any client. Cookies ride along on requests the browser makes by itself, so each
 * endpoint also wants a JSON body and the X-Hub-Console header (SECURITY.md, "The web console").
 */
@Controller(CONSOLE_SESSION_PATH.slice(1))
@Public()
@UseFilters(DomainErrorHttpFilter)
export class ConsoleSessionController {
  constructor(
    private readonly auth: AuthService,
    private readonly config: AppConfig,
  ) {}

  @Post()
  @HttpCode(200)
  async login(@Ctx() ctx: RequestContext, @Req() req: FastifyRequest, @Res({ passthrough: true }) res: FastifyReply, @Body() body: unknown) {
    this.refuseCrossSite(req);
    const { email, password } = (body ?? {}) as { email?: unknown; password?: unknown };
    if (typeof email !== 'string' || typeof password !== 'string' || email.length > 254 || password.length > 1024) {
      throw new BadUserInputError([{ field: 'email', message: 'email and password are required strings' }], 'email and password are required');
    }
    return this.answer(res, await this.auth.login(ctx, email, password));
  }

  @Post('refresh')
  @HttpCode(200)
  async refresh(@Ctx() ctx: RequestContext, @Req() req: FastifyRequest, @Res({ passthrough: true }) res: FastifyReply) {
    this.refuseCrossSite(req);
    const token = refreshCookie(req);
    if (!token) throw new UnauthenticatedError('No console session');
    try {
      return this.answer(res, await this.auth.refresh(ctx, token));
    } catch (e) {
      this.clearCookie(res);
      throw e;
    }
  }

  @Post('logout')
  @HttpCode(204)
  async logout(@Ctx() ctx: RequestContext, @Req() req: FastifyRequest, @Res({ passthrough: true }) res: FastifyReply): Promise<void> {
    this.refuseCrossSite(req);
    const token = refreshCookie(req);
    this.clearCookie(res);
    // A session that is already over is over: signing out of it again is no error.
    if (token) await this.auth.logout(ctx, token).catch((e: unknown) => (e instanceof UnauthenticatedError ? false : Promise.reject(e)));
  }

  /** SameSite=Strict keeps the cookie off cross-site requests; this is the second lock. */
  private refuseCrossSite(req: FastifyRequest): void {
    if (req.headers[CONSOLE_CSRF_HEADER] !== '1' || !isJson(req.headers['content-type'])) {
      throw new ForbiddenError(`Console session requests need Content-Type: application/json and the header X-Hub-Console: 1`);
    }
  }

  private answer(res: FastifyReply, payload: AuthPayload) {
    const maxAge = this.config.auth.refreshTtlSeconds;
    const expires = new Date(Date.now() + maxAge * 1000).toUTCString();
    res.header('Set-Cookie', `${CONSOLE_REFRESH_COOKIE}=${encodeURIComponent(payload.refreshToken)}; Max-Age=${maxAge}; Path=${CONSOLE_SESSION_PATH}; Expires=${expires}${this.cookieFlags()}`);
    res.header('Cache-Control', 'no-store');
    const u = payload.user;
    return {
      accessToken: payload.accessToken,
      accessTokenExpiresAt: payload.accessTokenExpiresAt,
      user: { id: u.id, displayName: u.displayName, role: u.role, organisationId: u.organisationId },
    };
  }

  private clearCookie(res: FastifyReply): void {
    res.header('Set-Cookie', `${CONSOLE_REFRESH_COOKIE}=; Path=${CONSOLE_SESSION_PATH}; Expires=Thu, 01 Jan 1970 00:00:00 GMT${this.cookieFlags()}`);
  }

  /** HttpOnly and SameSite=Strict always, Secure in production (written as Express's res.cookie wrote them). */
  private cookieFlags(): string {
    return `; HttpOnly${this.config.production ? '; Secure' : ''}; SameSite=Strict`;
  }
}
