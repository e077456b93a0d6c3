/**
 * The one place where failures become HTTP answers: every answer is JSON naming the problem,
 * a database that cannot be reached is 503 (never a hang), and so is a server whose database connections are all in use (busy: retry soon, no outage), and anything else is 500 with the
 * detail left in the log. What a message quotes of the request is cut short: an answer never
 * echoes a megabyte back.
 *
 * Logging: the request's own log line carries the answer (a refusal's message, a failure's
 * stack); an unreachable database is one outage, logged once at its start and once at its end,
 * not once per request.
 */
import { ArgumentsHost, Catch, HttpException, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { Database, isDatabaseUnavailable } from '../database/database.js';
import { DatabaseOutage } from '../observability/database-outage.js';
import { NegativeCounterError, RecordConflictError } from '../repositories/ingest.repository.js';
import { TooManyAttemptsException } from '../services/auth.service.js';

export { isDatabaseUnavailable };

/** How much of a quoted value a message keeps, in characters, and how long a message may be. */
const QUOTED_CHARS = 64;
const MESSAGE_CHARS = 2000;

/** Cuts each quoted value of a message to its first characters, and the message to a bounded length. */
export function boundMessage(message: string): string {
  const cut = (text: string, max: number) => {
    const chars = Array.from(text);
    return chars.length > max ? `${chars.slice(0, max).join('')}…` : text;
  };
  return cut(message.replace(/"([^"]*)"/g, (_, quoted: string) => `"${cut(quoted, QUOTED_CHARS)}"`), MESSAGE_CHARS);
}

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
}

/** How long a client is asked to wait when the server is busy, in seconds (an outage asks for longer). */
export const BUSY_RETRY_AFTER_S = 1;
const OUTAGE_RETRY_AFTER_S = 5;

/** `busy`: every database connection was in use (Database.exhausted), which is not an outage. */
export function describeError(error: unknown, busy = false): ErrorBody {
  const body = describe(error, busy);
  return { ...body, message: boundMessage(body.message) };
}

function describe(error: unknown, busy: boolean): ErrorBody {
  if (error instanceof NegativeCounterError) {
    return { statusCode: 422, error: 'UnprocessableEntity', message: `${error.message}; nothing of the batch was applied` };
  }
  if (error instanceof RecordConflictError) {
    return { statusCode: 409, error: 'Conflict', message: `${error.message}; nothing of the batch was applied` };
  }
  // Express wraps body-parser's errors in an HttpException; its `type` says what went wrong.
  const parserError = ((error as { cause?: unknown } | null)?.cause ?? error) as { type?: string; message?: string } | null;
  const parserType = parserError?.type;
  if (parserType === 'entity.parse.failed') return { statusCode: 400, error: 'BadRequest', message: `body: malformed JSON (${parserError?.message})` };
  if (parserType === 'entity.too.large') return { statusCode: 413, error: 'PayloadTooLarge', message: 'body: larger than the limit of 1 MB' };
  if (parserType === 'encoding.unsupported' || parserType === 'charset.unsupported') {
    return { statusCode: 415, error: 'UnsupportedMediaType', message: `body: ${parserError?.message}` };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const response = error.getResponse();
    const message = typeof response === 'string' ? response : (response as { message?: unknown }).message;
    const text = Array.isArray(message) ? message.join('; ') : String(message ?? error.message);
    return { statusCode: status, error: error.name.replace(/Exception$/, ''), message: text };
  }
  if (busy) {
    return {
      statusCode: 503, error: 'ServiceUnavailable',
      message: `the server is busy: every database connection is in use; nothing was applied, retry in ${BUSY_RETRY_AFTER_S} s`,
    };
  }
  if (isDatabaseUnavailable(error)) {
    return { statusCode: 503, error: 'ServiceUnavailable', message: 'the database is unreachable; nothing was applied, retry later' };
  }
  return { statusCode: 500, error: 'InternalServerError', message: 'internal error' };
}

@Catch()
export class ErrorsFilter implements ExceptionFilter {
  constructor(private readonly outage: DatabaseOutage, private readonly db: Database) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const busy = this.db.exhausted(error);
    const body = describeError(error, busy);
    // pino-http logs the request's line with this error and its stack.
    if (body.statusCode === 500) response.err = error as Error;
    else if (body.statusCode === 503 && !(error instanceof HttpException)) this.outage.unreachable(error);
    if (body.statusCode === 503) response.setHeader('Retry-After', String(busy ? BUSY_RETRY_AFTER_S : OUTAGE_RETRY_AFTER_S));
    if (error instanceof TooManyAttemptsException) response.setHeader('Retry-After', String(error.retryAfter));
    response.status(body.statusCode).json(body);
  }
}
