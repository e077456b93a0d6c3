import { Body, Controller, Delete, Get, HttpCode, NotFoundException, Post, Req, Res } from '@nestjs/common';
import type { SessionInfo } from '@tiendo/shared';
import type { Request, Response } from 'express';
import { SESSION_COOKIE, SESSION_TTL_MS, SessionsService } from '../admin/sessions.service.js';
import { AllowSignedIn, Who } from '../common/access.js';
import { Caller, credentialsOf } from '../common/credentials.js';
import type { Credentials, Principal } from '../services/auth.service.js';

/** The session cookie: unreadable by scripts, not sent by other sites, over HTTPS only when served so. */
function setCookie(request: Request, response: Response, token: string | null): void {
  response.cookie(SESSION_COOKIE, token ?? '', {
    httpOnly: true, sameSite: 'lax', secure: request.secure, path: '/', maxAge: token ? SESSION_TTL_MS : 0,
  });
}

@Controller('api/v1/session')
export class SessionController {
  constructor(private readonly sessions: SessionsService) {}

  @Post()
  @HttpCode(200)
  async signIn(@Req() request: Request, @Res({ passthrough: true }) response: Response, @Body() body: unknown): Promise<SessionInfo> {
    const { token, session } = await this.sessions.signIn(body, credentialsOf(request).address);
    setCookie(request, response, token);
    return session;
  }

  @Get()
  @AllowSignedIn()
  async current(@Who() who: Principal, @Caller() caller: Credentials): Promise<SessionInfo> {
    const session = who.personId && caller.session ? await this.sessions.session(caller.session) : null;
    if (!session) throw new NotFoundException('session: nobody is signed in (an api key is not a person)');
    return session;
  }

  @Delete()
  @HttpCode(204)
  async signOut(@Req() request: Request, @Res({ passthrough: true }) response: Response, @Caller() caller: Credentials): Promise<void> {
    if (caller.session) await this.sessions.signOut(caller.session);
    setCookie(request, response, null);
  }

  @Post('password')
  @HttpCode(200)
  @AllowSignedIn()
  async changePassword(@Who() who: Principal, @Req() request: Request, @Res({ passthrough: true }) response: Response, @Body() body: unknown): Promise<SessionInfo> {
    const { token, session } = await this.sessions.changePassword(who, body);
    setCookie(request, response, token);
    return session;
  }
}
