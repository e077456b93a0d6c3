/**
 * The OpenAPI document, served as JSON at /api/openapi.json and as an interactive page at
 * /api/docs. Paths, methods and operation ids come from Nest's own routing (@nestjs/swagger's
 * scanner); request bodies come from the zod schemas that validate them, and answers from the
 * schemas in `api-shapes.ts`, which the compiler holds to the types the handlers return.
 *
 * Every route must have an entry in ROUTES: a route without one is listed as "undocumented",
 * and the unit test of this file fails on it.
 */
import type { INestApplication } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { MAX_MAP_FILE_BYTES } from '@tiendo/shared';
import { eventBatchSchema, keyRequestSchema, MAX_DELTA, MAX_EVENTS_PER_REQUEST, reportBatchSchema } from '@tiendo/shared/schemas';
import { z } from 'zod';
import * as shapes from './api-shapes.js';

export const DOCS_PATH = 'api/docs';
export const DOCUMENT_PATH = 'api/openapi.json';

type Auth = 'key' | 'optional-key' | 'metrics' | 'none';

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  description: string;
  required?: boolean;
  schema?: object;
}

interface RouteDoc {
  tag: string;
  summary: string;
  description?: string;
  auth: Auth;
  parameters?: Parameter[];
  body?: { schema: z.ZodType; name: string; example?: unknown } | 'binary';
  /** The success answer: its status, a named schema (JSON), or a content type with a schema. */
  ok: { status: number; description: string; schema?: z.ZodType; name?: string; contentType?: string };
  /** Refusals and failures this route answers: what they mean here, and a message as sent (else a common one). */
  errors: Record<number, string | [description: string, message: string]>;
}

/** How each status is named in an answer, and a message it typically carries. */
const STATUS: Record<number, [error: string, message: string]> = {
  400: ['BadRequest', 'body: malformed JSON (Unexpected end of JSON input)'],
  401: ['Unauthorized', 'Authorization: unknown or revoked api key'],
  403: ['Forbidden', 'scope: this key may only display unit 436 and below, not 42'],
  404: ['NotFound', 'campaign: unknown campaign "ha-tnh"'],
  409: ['Conflict', 'importId: import 12 was confirmed before'],
  413: ['PayloadTooLarge', 'body: larger than the limit of 1 MB'],
  415: ['UnsupportedMediaType', 'body: send the file itself as the body (Content-Type: application/octet-stream), not a form'],
  422: ['UnprocessableEntity', 'scope: "4x" is not a unit of campaign "ha-tinh"'],
  429: ['TooManyAttempts', 'Authorization: too many failed key attempts from this address; retry in 42 s'],
  503: ['ServiceUnavailable', 'the database is unreachable; nothing was applied, retry later'],
};

const REFUSALS = {
  401: 'no key, or an unknown or revoked one',
  403: 'the key\'s role or scope does not allow this',
  429: 'too many failed key attempts from this address: retry after Retry-After seconds',
  503: 'the database is unreachable: nothing was applied, retry (see Retry-After)',
};

const example = {
  events: [{
    id: 'xa-18586-2023-05-02-0017', campaign: 'ha-tinh', metric: 'cccd_intake', unit: '18586', delta: 12,
    occurredAt: '2023-05-02T09:41:00+07:00', source: 'Tổ lưu động số 2',
  }],
};

const campaignId: Parameter = { name: 'id', in: 'path', required: true, description: 'campaign id, e.g. ha-tinh' };
const scope: Parameter = { name: 'scope', in: 'query', description: 'GSO code of the unit whose subtree is read (default: the campaign\'s root)' };
const importId: Parameter = { name: 'importId', in: 'path', required: true, description: 'the id a file\'s import answered with', schema: { type: 'integer' } };

export const ROUTES: Record<string, RouteDoc> = {
  'GET /api/health': {
    tag: 'health', summary: 'Health, as before liveness and readiness were apart', auth: 'none',
    ok: { status: 200, description: 'the database answers', schema: shapes.healthStatus, name: 'HealthStatus' },
    errors: { 503: 'the database is unreachable' },
  },
  'GET /api/health/live': {
    tag: 'health', summary: 'Liveness: the process answers', auth: 'none',
    description: 'Restart the instance when this fails. It does not look at the database.',
    ok: { status: 200, description: 'alive', schema: shapes.healthLive, name: 'HealthLive' },
    errors: {},
  },
  'GET /api/health/ready': {
    tag: 'health', summary: 'Readiness: this instance can serve now', auth: 'none',
    description: 'Fails while the instance shuts down, while the database does not answer, and when the change log has not been read for READY_CHANGE_LOG_SECONDS. A load balancer sends no traffic to an instance that is not ready.',
    ok: { status: 200, description: 'ready', schema: shapes.healthReady, name: 'HealthReady' },
    errors: { 503: 'not ready, and why: shutting down, the database unreachable, or the change log not read in time' },
  },
  'POST /api/v1/events': {
    tag: 'ingest', summary: 'Records of counted work', auth: 'key',
    description: `An ingest (or admin) key. \`id\` is the sender's idempotency key within the campaign: a retry never counts twice. \`delta\` is a non-zero integer of at most ±${MAX_DELTA}; a negative delta is a correction and needs \`reason\`. At most ${MAX_EVENTS_PER_REQUEST} events and 1 MB per request. The batch is atomic: all or nothing.`,
    body: { schema: eventBatchSchema, name: 'EventBatch', example },
    ok: { status: 200, description: 'counted', schema: shapes.eventBatchResult, name: 'EventBatchResult' },
    errors: {
      400: ['malformed JSON, or a field of the wrong shape (the message names it)', 'events[3].delta: must not be 0'],
      ...REFUSALS,
      403: ['the key\'s role does not allow this, or a unit is outside its scope', 'events[0].unit: this key may only report for unit 436 and below, not for 18586 (Xã Thạch Kênh)'],
      409: ['an id sent before with other content (an identical retry is a harmless duplicate)', 'events[0].id: "xa-18586-2023-05-02-0017" is already the id of a record received 2023-05-02T02:41:07.000Z (cccd_intake, unit 18586, delta 12, occurred 2023-05-02T02:41:00.000Z); a retry must be identical, and a new record needs a new id; nothing of the batch was applied'],
      413: 'a body over 1 MB',
      415: 'an unsupported body encoding or charset',
      422: [
        'an unknown campaign, metric or unit, a time in the future or before the campaign, a correction below zero, or an implausible amount not confirmed',
        'events[2].occurredAt: 2023-03-01T08:00:00+07:00 is before the campaign started (2023-03-15)',
      ],
    },
  },
  'POST /api/v1/reports': {
    tag: 'ingest', summary: 'Cumulative totals ("lũy kế")', auth: 'key',
    description: 'The difference from the current value is recorded as an event. The report\'s `id` makes a retry count once. A total below the current value is a correction and needs `reason`.',
    body: { schema: reportBatchSchema, name: 'ReportBatch' },
    ok: { status: 200, description: 'recorded', schema: shapes.reportBatchResult, name: 'ReportBatchResult' },
    errors: {
      400: ['malformed JSON, or a field of the wrong shape', 'reports[0].total: must not be negative'],
      ...REFUSALS,
      409: ['a report id sent before with other content', 'reports[0].id: "xa-18586-2023-05-02-close" is already the id of a report received 2023-05-02T10:00:04.000Z (cccd_intake, unit 18586, total 4512 as of 2023-05-02T10:00:00.000Z); a retry must be identical, and a new report needs a new id; nothing of the batch was applied'],
      413: 'a body over 1 MB',
      415: 'an unsupported body encoding or charset',
      422: [
        'an unknown campaign, metric or unit, a time out of range, a lower total without a reason, or an implausible difference not confirmed',
        'reports[0].total: 4000 is below the current value 4512 of cccd_intake for unit 18586; a lower total is a correction and needs a reason',
      ],
    },
  },
  'GET /api/v1/campaigns': {
    tag: 'display', summary: 'Campaigns with their metrics and milestones', auth: 'none',
    ok: { status: 200, description: 'every campaign', schema: shapes.campaignList, name: 'CampaignList' },
    errors: {},
  },
  'GET /api/v1/campaigns/{id}/snapshot': {
    tag: 'display', summary: 'Every unit of a scope, with derived figures', auth: 'optional-key',
    description: 'Values, targets, today\'s gain, the last 7 days and completion instants, with progress, pace, projected finish and per-milestone figures, current to `seq`.',
    parameters: [campaignId, scope],
    ok: { status: 200, description: 'the scope now', schema: shapes.snapshotWithFigures, name: 'Snapshot' },
    errors: { ...REFUSALS, 404: 'an unknown campaign', 422: 'a scope that is not a unit of the campaign' },
  },
  'GET /api/v1/campaigns/{id}/series': {
    tag: 'display', summary: 'A unit\'s value at the end of each day', auth: 'optional-key',
    parameters: [campaignId, { name: 'unit', in: 'query', description: 'GSO code (default: the campaign\'s root)' }],
    ok: { status: 200, description: 'one point per local date', schema: shapes.seriesResponse, name: 'Series' },
    errors: { ...REFUSALS, 404: 'an unknown campaign', 422: 'a unit that is not of the campaign' },
  },
  'GET /api/v1/campaigns/{id}/history': {
    tag: 'display', summary: 'A scope as it stood at the end of a day', auth: 'optional-key',
    parameters: [campaignId, scope, { name: 'date', in: 'query', required: true, description: 'local date, YYYY-MM-DD' }],
    ok: { status: 200, description: 'the scope that day', schema: shapes.historyResponse, name: 'History' },
    errors: { ...REFUSALS, 404: 'an unknown campaign', 422: 'a missing or malformed date, or a scope that is not a unit of the campaign' },
  },
  'GET /api/v1/keys': {
    tag: 'admin', summary: 'The keys of the admin key\'s scope', auth: 'key',
    description: 'An admin key. Names, roles, scopes and dates; never the secret.',
    ok: { status: 200, description: 'every key, revoked ones too', schema: shapes.keyList, name: 'KeyList' },
    errors: { ...REFUSALS },
  },
  'POST /api/v1/keys': {
    tag: 'admin', summary: 'Create a key (shown once)', auth: 'key',
    description: 'An admin key, whose scope holds the new key\'s scope. Only a hash of the key is kept.',
    body: { schema: keyRequestSchema, name: 'KeyRequest', example: { name: 'Xã Thạch Kênh', role: 'ingest', scope: '18586' } },
    ok: { status: 201, description: 'the new key', schema: shapes.keyCreated, name: 'KeyCreated' },
    errors: { 400: ['a field of the wrong shape', 'role: must be one of ingest, display, admin'], ...REFUSALS, 422: ['a scope that is not a unit', 'scope: "99999" is not a known unit'] },
  },
  'DELETE /api/v1/keys/{id}': {
    tag: 'admin', summary: 'Revoke a key', auth: 'key',
    description: 'At once on this instance, within 10 s on the others.',
    parameters: [{ name: 'id', in: 'path', required: true, description: 'the key\'s id', schema: { type: 'integer' } }],
    ok: { status: 200, description: 'revoked', schema: shapes.keyRevoked, name: 'KeyRevoked' },
    errors: { ...REFUSALS, 404: 'no such key' },
  },
  'POST /api/v1/maps/import': {
    tag: 'maps', summary: 'Upload a boundary file and get its match report', auth: 'key',
    description: `An admin key. The file is the body: GeoJSON, TopoJSON, or a zipped ESRI shapefile, in WGS84 longitude/latitude, at most ${MAX_MAP_FILE_BYTES / 1024 / 1024} MB. Nothing is shown until the import is confirmed.`,
    parameters: [
      { name: 'level', in: 'query', description: 'district or commune (default: proposed from the file)', schema: { type: 'string', enum: ['district', 'commune'] } },
      { name: 'property', in: 'query', description: 'the feature property holding the unit\'s code or name' },
      { name: 'parentProperty', in: 'query', description: 'the property holding the parent unit\'s name' },
      { name: 'layer', in: 'query', description: 'the layer of a file with several' },
      { name: 'name', in: 'query', description: 'the file\'s name, for the version list' },
    ],
    body: 'binary',
    ok: { status: 200, description: 'the match report', schema: shapes.mapImportPreview, name: 'MapImportPreview' },
    errors: {
      400: 'an empty file, or one that is not GeoJSON, TopoJSON or a zipped shapefile', ...REFUSALS, 413: 'a file over the limit',
      415: 'a form upload instead of the file as the body', 422: 'a bad option, a file in projected coordinates, or without polygons',
    },
  },
  'POST /api/v1/maps/import/{importId}/confirm': {
    tag: 'maps', summary: 'Make an import its level\'s map', auth: 'key',
    description: 'Every open screen is told and fetches its map again.',
    parameters: [importId],
    ok: { status: 200, description: 'the new version', schema: shapes.mapVersionInfo, name: 'MapVersion' },
    errors: { ...REFUSALS, 404: 'no such import (drafts are kept for a day)', 409: 'the import was confirmed before' },
  },
  'GET /api/v1/maps/import/{importId}/topology': {
    tag: 'maps', summary: 'What an import holds, before it is merged with anything', auth: 'key',
    parameters: [importId],
    ok: { status: 200, description: 'TopoJSON', schema: shapes.topology, name: 'Topology' },
    errors: { ...REFUSALS, 404: 'no such import' },
  },
  'GET /api/v1/maps/versions': {
    tag: 'maps', summary: 'Confirmed boundary versions, the active one of each level marked', auth: 'key',
    ok: { status: 200, description: 'every version', schema: shapes.mapVersionList, name: 'MapVersionList' },
    errors: { ...REFUSALS },
  },
  'GET /api/v1/maps/{unit}': {
    tag: 'maps', summary: 'The map of a unit\'s districts or communes', auth: 'optional-key',
    description: 'TopoJSON in longitude/latitude; `x-map-source` says `imported`, `mixed` or `schematic`. Send `If-None-Match` with the last ETag to get 304.',
    parameters: [
      { name: 'unit', in: 'path', required: true, description: 'GSO code of a province or district' },
      { name: 'level', in: 'query', description: 'district or commune', schema: { type: 'string', enum: ['district', 'commune'] } },
      { name: 'If-None-Match', in: 'header', description: 'the ETag of the map the client holds' },
    ],
    ok: { status: 200, description: 'TopoJSON (or 304 Not Modified)', schema: shapes.topology, name: 'Topology' },
    errors: { ...REFUSALS, 422: 'not a province or district of this deployment, or a level it has nothing of' },
  },
  'GET /metrics': {
    tag: 'operations', summary: 'Prometheus metrics', auth: 'metrics',
    description: 'With METRICS_TOKEN set, send it as a bearer token; without, only requests from this machine (not through a proxy) are answered.',
    ok: { status: 200, description: 'Prometheus text format', contentType: 'text/plain; version=0.0.4' },
    errors: { 401: 'METRICS_TOKEN is set and was not sent', 403: 'not from this machine, and no METRICS_TOKEN is set' },
  },
};

const SECURITY: Record<Auth, Record<string, string[]>[]> = {
  key: [{ key: [] }],
  'optional-key': [{ key: [] }, {}],
  metrics: [{ metricsToken: [] }, {}],
  none: [],
};

export function buildDocument(app: INestApplication, version: string): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('tiendo')
    .setDescription('The command center of an enrollment campaign: ingestion of counted work, display data, keys, boundary maps and operations. Every refusal is JSON naming the field and the problem (`{statusCode, error, message}`), and nothing of a refused request is applied. Live updates go over Socket.IO (see the README).')
    .setVersion(version)
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'an API key: ingest, display or admin, scoped to a unit' }, 'key')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'METRICS_TOKEN' }, 'metricsToken')
    .build();
  const document = SwaggerModule.createDocument(app, config);
  return describeRoutes(document);
}

/** Replaces what the scanner guessed for each route with what ROUTES says. */
export function describeRoutes(document: OpenAPIObject): OpenAPIObject {
  const schemas: Record<string, object> = { Error: jsonSchema(shapes.errorBody, 'output') };
  const ref = (name: string, schema: z.ZodType, io: 'input' | 'output') => {
    schemas[name] ??= jsonSchema(schema, io);
    return { $ref: `#/components/schemas/${name}` };
  };
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
      const operation = item[method];
      if (!operation) continue;
      const route = ROUTES[`${method.toUpperCase()} ${path}`];
      if (!route) {
        operation.summary = 'undocumented';
        continue;
      }
      operation.tags = [route.tag];
      operation.summary = route.summary;
      if (route.description) operation.description = route.description;
      operation.security = SECURITY[route.auth];
      operation.parameters = (route.parameters ?? []).map((p) => ({
        name: p.name, in: p.in, required: p.in === 'path' || (p.required ?? false), description: p.description, schema: p.schema ?? { type: 'string' },
      }));
      if (route.body === 'binary') {
        operation.requestBody = { required: true, content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } };
      } else if (route.body) {
        operation.requestBody = {
          required: true,
          content: { 'application/json': { schema: ref(route.body.name, route.body.schema, 'input'), ...(route.body.example ? { example: route.body.example } : {}) } },
        };
      } else {
        delete operation.requestBody;
      }
      const ok = route.ok;
      const content = ok.schema
        ? { 'application/json': { schema: ref(ok.name!, ok.schema, 'output') } }
        : { [ok.contentType!]: { schema: { type: 'string' } } };
      operation.responses = { [ok.status]: { description: ok.description, content } };
      for (const [status, entry] of Object.entries(route.errors)) {
        const [description, message] = typeof entry === 'string' ? [entry, STATUS[Number(status)][1]] : entry;
        const example = { statusCode: Number(status), error: STATUS[Number(status)][0], message };
        operation.responses[status] = { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' }, example } } };
      }
    }
  }
  document.components = { ...document.components, schemas: { ...document.components?.schemas, ...schemas } };
  return document;
}

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): object {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, {
    target: 'openapi-3.0', io, unrepresentable: 'any',
    // zod bounds every integer by the safe range; said on every count, it only adds noise.
    override: ({ jsonSchema }) => {
      if (jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete jsonSchema.maximum;
      if (jsonSchema.minimum === Number.MIN_SAFE_INTEGER) delete jsonSchema.minimum;
    },
  }) as Record<string, unknown>;
  return rest;
}

/**
 * The page's own policy in place of the API's (which allows nothing to load): its scripts and
 * images come from this server only; the stylesheet it is built with sets inline styles.
 */
const DOCS_POLICY = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** Serves the document and the interactive page. */
export function serveDocs(app: INestApplication, document: OpenAPIObject): void {
  app.use(`/${DOCS_PATH}`, (_request: Request, response: Response, next: NextFunction) => {
    response.setHeader('Content-Security-Policy', DOCS_POLICY);
    next();
  });
  SwaggerModule.setup(DOCS_PATH, app, document, {
    jsonDocumentUrl: DOCUMENT_PATH,
    raw: ['json'],
    customSiteTitle: 'tiendo API',
    customCss: '.swagger-ui .topbar { display: none }',
    // No call to the public validator: the page works on a closed network.
    validatorUrl: 'none',
    swaggerOptions: { validatorUrl: null, docExpansion: 'list', defaultModelsExpandDepth: 0, tryItOutEnabled: false, persistAuthorization: true },
  });
}
