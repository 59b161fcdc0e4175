import { Body, Controller, HttpCode, Post, Req, Res, UseFilters } from '@nestjs/common';
import type { Request, Response } from 'express';
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

/** The refresh token from the Cookie header (no cookie parser for one cookie). */
function refreshCookie(req: Request): string | undefined {
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
  async login(@Ctx() ctx: RequestContext, @Req() req: Request, @Res({ passthrough: true }) res: Response, @Body() body: unknown) {
    this.refuseCrossSite(req);
    const { email, password } = (body ?? {}) as { email?: unknown; password?: unknown };
    if (typeof email !== 'string' || typeof password !== 'string' || email.length > 254 || password.length > 1024) {
      throw new BadUserInputError([{ field: 'email', message: 'email and password are required strings' }], 'email and password are required');
    }
    return this.answer(res, await this.auth.login(ctx, email, password));
  }

  @Post('refresh')
  @HttpCode(200)
  async refresh(@Ctx() ctx: RequestContext, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
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
  async logout(@Ctx() ctx: RequestContext, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<void> {
    this.refuseCrossSite(req);
    const token = refreshCookie(req);
    this.clearCookie(res);
    // A session that is already over is over: signing out of it again is no error.
    if (token) await this.auth.logout(ctx, token).catch((e: unknown) => (e instanceof UnauthenticatedError ? false : Promise.reject(e)));
  }

  /** SameSite=Strict keeps the cookie off cross-site requests; this is the second lock. */
  private refuseCrossSite(req: Request): void {
    if (req.headers[CONSOLE_CSRF_HEADER] !== '1' || !req.is('application/json')) {
      throw new ForbiddenError(`Console session requests need Content-Type: application/json and the header X-Hub-Console: 1`);
    }
  }

  private answer(res: Response, payload: AuthPayload) {
    res.cookie(CONSOLE_REFRESH_COOKIE, payload.refreshToken, {
      httpOnly: true,
      sameSite: 'strict',
      secure: this.config.production,
      path: CONSOLE_SESSION_PATH,
      maxAge: this.config.auth.refreshTtlSeconds * 1000,
    });
    res.setHeader('Cache-Control', 'no-store');
    const u = payload.user;
    return {
      accessToken: payload.accessToken,
      accessTokenExpiresAt: payload.accessTokenExpiresAt,
      user: { id: u.id, displayName: u.displayName, role: u.role, organisationId: u.organisationId },
    };
  }

  private clearCookie(res: Response): void {
    res.clearCookie(CONSOLE_REFRESH_COOKIE, { httpOnly: true, sameSite: 'strict', secure: this.config.production, path: CONSOLE_SESSION_PATH });
  }
}
