/** The key and the address of an HTTP request, as one handler parameter. */
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { Credentials } from '../services/auth.service.js';

export const Caller = createParamDecorator((_: unknown, context: ExecutionContext): Credentials => {
  const request = context.switchToHttp().getRequest<Request>();
  return { authorization: request.headers.authorization, address: request.ip ?? request.socket.remoteAddress ?? '' };
});
