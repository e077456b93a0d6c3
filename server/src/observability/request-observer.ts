/**
 * Watches every HTTP answer once, at its end: counts it by route template and status, times
 * ingest batches, and keeps the reason of a refusal for the request's log line. Mounted before
 * the body parser (with `recordAnswers` ahead of it), so that a malformed or oversized body is
 * seen like any other refusal.
 */
import { Injectable } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { MetricsService, type IngestKind } from './metrics.service.js';

const INGEST_PATHS = new Map<string, IngestKind>([['/api/v1/events', 'events'], ['/api/v1/reports', 'reports']]);

/** What the request log and the metrics read from an answer. */
export interface Answered {
  /** The JSON body sent. */
  body?: unknown;
  /** The message of a refusal or failure (status >= 400): what was wrong, naming the field. */
  reason?: string;
}

export function answered(response: Response): Answered {
  return ((response.locals as { answered?: Answered }).answered ??= {});
}

/** Express middleware: keeps the JSON body of the answer for the request's log line and metrics. */
export function recordAnswers(_request: Request, response: Response, next: NextFunction): void {
  const json = response.json.bind(response);
  response.json = (value: unknown) => {
    const record = answered(response);
    record.body = value;
    if (response.statusCode >= 400) record.reason = messageOf(value);
    return json(value);
  };
  next();
}

@Injectable()
export class RequestObserver {
  constructor(private readonly metrics: MetricsService) {}

  readonly middleware = (request: Request, response: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    const kind = request.method === 'POST' ? INGEST_PATHS.get(request.path) : undefined;
    response.once('finish', () => {
      const status = response.statusCode;
      this.metrics.httpAnswered(request.method, kind ? request.path : routeOf(request), status);
      if (!kind) return;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      // 202: accepted, with some records held for a chief.
      if (status === 200 || status === 202) this.metrics.ingestAccepted(kind, seconds, answered(response).body as Parameters<MetricsService['ingestAccepted']>[2]);
      else this.metrics.ingestRefused(kind, seconds, status, answered(response).reason ?? '', recordsOf(request.body, kind));
    });
    next();
  };
}

function messageOf(body: unknown): string | undefined {
  const message = (body as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : undefined;
}

/** The records a refused batch carried, when its body could be read at all. */
function recordsOf(body: unknown, kind: IngestKind): number {
  const records = (body as Record<string, unknown> | undefined)?.[kind];
  return Array.isArray(records) ? records.length : 0;
}

/** A bounded label: the route's template (`/api/v1/campaigns/:id/snapshot`), never the path itself. */
function routeOf(request: Request): string {
  const route = (request.route as { path?: unknown } | undefined)?.path;
  if (typeof route === 'string') return route;
  if (request.path.startsWith('/api/docs')) return '/api/docs';
  return request.path.startsWith('/api/') || request.path.startsWith('/socket.io/') ? 'unmatched' : 'pages';
}
