/**
 * Logs: one JSON object a line (pino), every line of a request carrying its id (`reqId`, also
 * answered as X-Request-Id), one line per answer. Refusals (4xx) are warnings with the reason
 * the client was given; failures (500) are errors with their stack; 503 answers are debug
 * detail, since an outage or a drain announces itself once in its own line, and so are
 * successful health probes and metric scrapes, which come every few seconds.
 *
 * Secrets never reach a log: headers are not logged, a `key` in a query string (the kiosk's
 * page address) is masked, and objects a caller logs go through pino's redaction.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Injectable } from '@nestjs/common';
import { Logger } from 'nestjs-pino';
import { pino, type DestinationStream, type Logger as Pino } from 'pino';
import { pinoHttp, type HttpLogger } from 'pino-http';
import type { Config } from '../config/env.js';
import { answered } from './request-observer.js';

const LEVELS = { error: 'error', warn: 'warn', log: 'info', debug: 'debug' } as const;

/** Query parameters that may hold a secret: masked wherever a URL is logged. */
const SECRET_QUERY = /([?&](?:key|token|access_token|api_key)=)[^&#]*/gi;

const REDACT = [
  'authorization', 'cookie', 'password', 'key', 'token', 'auth',
  '*.authorization', '*.cookie', '*.password', '*.key', '*.token', '*.auth',
  'req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]', 'handshake.auth', 'handshake.headers.authorization',
];

/** Health probes and metric scrapes. */
const PROBES = /^\/(api\/health(\/|\?|$)|metrics(\?|$))/;

/** A caller's own id is kept when it is a plain token; anything else gets a fresh UUID. */
const REQUEST_ID = /^[\w.:-]{1,128}$/;

export function maskSecrets(url: string): string {
  return url.replace(SECRET_QUERY, '$1[redacted]');
}

export interface Logging {
  root: Pino;
  /** Express middleware that logs each answer; mounted first, so refusals by the body parser are logged too. */
  requests: HttpLogger;
}

export async function createLogging(config: Pick<Config, 'logLevel' | 'logFormat'>, destination?: DestinationStream): Promise<Logging> {
  const pretty = config.logFormat === 'pretty';
  const stream = destination ?? (pretty ? await prettyStream() : pino.destination({ dest: 1, sync: true }));
  // pino-http hands serializers the standard shape of a request (url, headers…); only what
  // is safe and useful is kept: no headers but the user agent, the query masked.
  const serializers = {
    req: (req: { method?: string; url?: string; remoteAddress?: string; headers?: Record<string, unknown> }) => ({
      method: req.method,
      url: maskSecrets(req.url ?? ''),
      remoteAddress: req.remoteAddress,
      userAgent: req.headers?.['user-agent'],
    }),
    res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
  };
  const root = pino(
    {
      level: LEVELS[config.logLevel],
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      // Collectors and people read "warn" more readily than 40; the pretty printer wants numbers.
      ...(pretty ? {} : { formatters: { level: (label: string) => ({ level: label }) } }),
      redact: { paths: REDACT, censor: '[redacted]' },
      serializers: { err: pino.stdSerializers.err },
    },
    stream,
  );
  const requests = pinoHttp({
    logger: root,
    serializers,
    quietReqLogger: true,
    genReqId: (req, res) => {
      const given = req.headers['x-request-id'];
      const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    customLogLevel: (req, res, err) => {
      if (res.statusCode === 503) return 'debug';
      if (err || res.statusCode >= 500) return 'error';
      if (res.statusCode >= 400) return 'warn';
      // Probes and scrapes come every few seconds and say nothing when they succeed.
      return PROBES.test(req.url ?? '') ? 'debug' : 'info';
    },
    customSuccessMessage: (req, res, responseTime) => answerLine(req, res, responseTime),
    customErrorMessage: (req, res) => answerLine(req, res),
    customSuccessObject: (_req, res, fields) => withReason(res, fields),
    customErrorObject: (_req, res, _err, fields) => withReason(res, fields),
  });
  return { root, requests };
}

function answerLine(req: IncomingMessage & { originalUrl?: string }, res: ServerResponse, responseTime?: number): string {
  const path = maskSecrets(req.originalUrl ?? req.url ?? '');
  const time = responseTime === undefined ? '' : ` in ${responseTime} ms`;
  const reason = answered(res as never).reason;
  return `${req.method} ${path} ${res.statusCode}${time}${reason ? `: ${reason}` : ''}`;
}

function withReason(res: ServerResponse, fields: object): object {
  const reason = answered(res as never).reason;
  return reason ? { ...fields, reason } : fields;
}

async function prettyStream(): Promise<DestinationStream> {
  const { default: pretty } = await import('pino-pretty');
  return pretty({
    sync: true, singleLine: true, translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,req,res,responseTime,context', messageFormat: '{if context}{context}: {end}{msg}',
  });
}

/** The framework's routine start-up lines (every route mapped…) are debug detail, not news. */
const FRAMEWORK_CONTEXTS = new Set(['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'WebSocketsController', 'NestApplication']);

/** Nest's logger, writing through pino: lines logged while a request is served carry its id. */
@Injectable()
export class AppLogger extends Logger {
  override log(message: unknown, ...optionalParams: unknown[]): void {
    const context = optionalParams.at(-1);
    if (typeof context === 'string' && FRAMEWORK_CONTEXTS.has(context)) super.debug(message, ...optionalParams);
    else super.log(message, ...optionalParams);
  }
}
