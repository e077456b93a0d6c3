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
import {
  campaignCreateSchema, campaignPatchSchema, commitmentSchema, loginSchema, passwordChangeSchema, personCreateSchema, personPatchSchema,
  targetImportConfirmSchema, targetSpreadSchema, targetsSchema,
} from '@tiendo/shared/admin-schemas';
import { countImportConfirmSchema, noteCreateSchema, noteDeleteSchema } from '@tiendo/shared/office-schemas';
import {
  eventBatchSchema, heldConfirmSchema, heldRejectSchema, keyRequestSchema, MAX_DELTA, MAX_EVENTS_PER_REQUEST, reportBatchSchema,
} from '@tiendo/shared/schemas';
import { z } from 'zod';
import { confirmSchema } from '../services/maps.service.js';
import * as shapes from './api-shapes.js';

export const DOCS_PATH = 'api/docs';
export const DOCUMENT_PATH = 'api/openapi.json';

/** `key`: an API key or a signed-in person's session; `session`: a person only. */
type Auth = 'key' | 'optional-key' | 'session' | 'metrics' | 'none';

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
  ok: {
    status: number; description: string; schema?: z.ZodType; name?: string; contentType?: string; alsoAs?: string;
    /** Another success status answered with the same content, and what it means. */
    also?: { status: number; description: string };
  };
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
  503: 'the database is unreachable, or every database connection is busy: nothing was applied, retry (see Retry-After)',
};

const example = {
  events: [{
    id: 'xa-18586-2023-05-02-0017', campaign: 'ha-tinh', metric: 'cccd_intake', unit: '18586', delta: 12,
    occurredAt: '2023-05-02T09:41:00+07:00', source: 'Tổ lưu động số 2',
  }],
};

const campaignId: Parameter = { name: 'id', in: 'path', required: true, description: 'campaign id, e.g. ha-tinh' };
const scope: Parameter = { name: 'scope', in: 'query', description: 'GSO code of the unit whose subtree is read (default: the campaign\'s root)' };
const depth: Parameter = { name: 'depth', in: 'query', description: 'levels below the scope to include, 0 to 3 (default: every level)', schema: { type: 'integer' } };
const importId: Parameter = { name: 'importId', in: 'path', required: true, description: 'the id a file\'s import answered with', schema: { type: 'integer' } };

/** What a read of a campaign's scope (its snapshot, its units) is refused for. */
const SCOPE_REFUSALS = { ...REFUSALS, 400: 'a depth that is not 0 to 3, or a parameter given twice', 404: 'an unknown campaign', 422: 'a scope that is not a unit of the campaign' };

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
    ok: {
      status: 200, description: 'counted', schema: shapes.eventBatchResult, name: 'EventBatchResult',
      also: { status: 202, description: 'a commune officer\'s batch with implausible records: those are held for a chief (`held`), the others counted' },
    },
    errors: {
      400: ['malformed JSON, or a field of the wrong shape (the message names it)', 'events[3].delta: must not be 0'],
      ...REFUSALS,
      403: ['the key\'s role does not allow this, or a unit is outside its scope', 'events[0].unit: this key may only report for unit 436 and below, not for 18586 (Xã Thạch Kênh)'],
      409: ['an id sent before with other content (an identical retry is a harmless duplicate)', 'events[0].id: "xa-18586-2023-05-02-0017" is already the id of a record received 2023-05-02T02:41:07.000Z (cccd_intake, unit 18586, delta 12, occurred 2023-05-02T02:41:00.000Z); a retry must be identical, and a new record needs a new id; nothing of the batch was applied'],
      413: 'a body over 1 MB',
      415: 'an unsupported body encoding or charset',
      422: [
        'an unknown campaign, metric or unit, a time in the future or before the campaign, a correction below zero, or an implausible amount not confirmed (a key, a chief: a commune officer\'s is held instead)',
        'events[2].occurredAt: 2023-03-01T08:00:00+07:00 is before the campaign started (2023-03-15)',
      ],
    },
  },
  'POST /api/v1/reports': {
    tag: 'ingest', summary: 'Cumulative totals ("lũy kế")', auth: 'key',
    description: 'The difference from the current value is recorded as an event. The report\'s `id` makes a retry count once. A total below the current value is a correction and needs `reason`.',
    body: { schema: reportBatchSchema, name: 'ReportBatch' },
    ok: {
      status: 200, description: 'recorded', schema: shapes.reportBatchResult, name: 'ReportBatchResult',
      also: { status: 202, description: 'a commune officer\'s batch with implausible differences: those are held for a chief (`held`), the others recorded' },
    },
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
    tag: 'display', summary: 'Campaigns with their metrics and milestones', auth: 'optional-key',
    description: 'Every campaign but the archived ones. With `readable=true`, only those whose root unit the caller may display (a key or a session whose scope holds it; all of them when displays are public): what a kiosk turns through with `campaigns=all`.',
    parameters: [{ name: 'readable', in: 'query', description: 'true: only the campaigns the caller may display whole', schema: { type: 'string', enum: ['true', 'false'] } }],
    ok: { status: 200, description: 'the campaigns, oldest first', schema: shapes.campaignList, name: 'CampaignList' },
    errors: { 400: 'a query parameter given twice or malformed', 401: 'readable=true without a key or session where displays are not public, or an unknown key', 429: REFUSALS[429] },
  },
  'GET /api/v1/campaigns/{id}/snapshot': {
    tag: 'display', summary: 'Every unit of a scope, with derived figures', auth: 'optional-key',
    description: 'Values, targets, today\'s gain, the last 7 days and completion instants, with progress, pace, projected finish and per-milestone figures, current to `seq`.',
    parameters: [campaignId, scope, depth],
    ok: { status: 200, description: 'the scope now', schema: shapes.snapshotWithFigures, name: 'Snapshot' },
    errors: SCOPE_REFUSALS,
  },
  'GET /api/v1/campaigns/{id}/units': {
    tag: 'display', summary: 'The units a live subscription covers', auth: 'optional-key',
    description: 'The scope and its units down to `depth` levels, parents first, apart from their values (which the socket sends). Answered with an `ETag`, the `version` subscribe replies name: with `If-None-Match` and no change, 304.',
    parameters: [campaignId, scope, depth],
    ok: { status: 200, description: 'the units', schema: shapes.unitCatalog, name: 'UnitCatalog' },
    errors: SCOPE_REFUSALS,
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
  'GET /api/v1/campaigns/{id}/standing': {
    tag: 'field', summary: 'Where a commune stands, and its records of today', auth: 'key',
    description: 'A key or a signed-in person whose scope holds the commune (a public display does not open it: records name their senders). Per metric its value, target, rank among the communes of its parent and what each milestone needs per day.',
    parameters: [campaignId, { name: 'unit', in: 'query', required: true, description: 'GSO code of a commune' }],
    ok: { status: 200, description: 'the commune now', schema: shapes.standing, name: 'Standing' },
    errors: { ...REFUSALS, 400: 'a query parameter given twice or malformed', 404: 'an unknown campaign', 422: 'no unit, or a unit that is not a commune of the campaign' },
  },
  'GET /api/v1/campaigns/{id}/silence': {
    tag: 'field', summary: 'The communes of a scope with nothing received for some hours', auth: 'key',
    description: 'A key or a signed-in person whose scope holds the scope. Each silent commune with its latest record by arrival and its sender.',
    parameters: [campaignId, { name: 'scope', in: 'query', description: 'GSO code (default: the reader\'s own unit)' },
      { name: 'hours', in: 'query', description: 'more than 0, at most 720, decimals allowed (default 6)' }],
    ok: { status: 200, description: 'the silent communes', schema: shapes.silenceReport, name: 'SilenceReport' },
    errors: { ...REFUSALS, 400: 'hours out of range or not a number, or a parameter given twice', 404: 'an unknown campaign', 422: 'a scope that is not a unit of the campaign' },
  },
  'GET /api/v1/campaigns/{id}/held': {
    tag: 'field', summary: 'Records held by the plausibility rule, waiting for a decision', auth: 'key',
    description: 'Leadership, a chief or an administrator (person or key), for a scope of their own: the records its commune officers sent beyond the plausibility rule, oldest first, each with its commune, metric, amount, instant, sender and the limit it broke.',
    parameters: [campaignId, { name: 'scope', in: 'query', description: 'GSO code (default: the reader\'s own unit)' }],
    ok: { status: 200, description: 'the held records', schema: shapes.heldList, name: 'HeldList' },
    errors: { 400: 'a parameter given twice or malformed', ...REFUSALS, 403: 'a role that may not decide held records, or a scope outside the reader\'s', 404: 'an unknown campaign', 422: 'a scope that is not a unit of the campaign' },
  },
  'POST /api/v1/campaigns/{id}/held/{held}/confirm': {
    tag: 'field', summary: 'Confirm a held record: it is counted at its own instant', auth: 'key',
    description: 'The record is counted as its officer sent it, at its own instant, stored as confirmed, and audited (`count.confirm`) with the confirming person as actor and the officer as sender. A report\'s total is judged against the value as of its instant now. Confirming again as the same person answers the same; any other decision of a decided record is a 409.',
    parameters: [campaignId, { name: 'held', in: 'path', required: true, description: 'the held record\'s number', schema: { type: 'integer' } }],
    body: { schema: heldConfirmSchema, name: 'HeldConfirm' },
    ok: { status: 200, description: 'the record, confirmed', schema: shapes.heldRecord, name: 'HeldRecord' },
    errors: {
      400: 'a number that is not one, or a body with fields', ...REFUSALS, 403: 'a role that may not decide, or a record outside the decider\'s scope', 404: 'no such campaign or held record',
      409: ['the record was decided already, by someone else or otherwise', 'held: record 7 was rejected by Trưởng Công an huyện Thạch Hà at 2023-05-02T09:41:07.000Z (Nhập thừa một số 0); a held record is decided once'],
      422: 'counting it now would take a commune below zero, or a report\'s total is now below the value without a reason: reject it',
    },
  },
  'POST /api/v1/campaigns/{id}/held/{held}/reject': {
    tag: 'field', summary: 'Reject a held record, saying why: it is never counted', auth: 'key',
    description: 'Audited (`count.reject`); the officer\'s phone shows the reason. Rejecting again as the same person answers the same; any other decision of a decided record is a 409.',
    parameters: [campaignId, { name: 'held', in: 'path', required: true, description: 'the held record\'s number', schema: { type: 'integer' } }],
    body: { schema: heldRejectSchema, name: 'HeldReject', example: { reason: 'Nhập thừa một số 0' } },
    ok: { status: 200, description: 'the record, rejected', schema: shapes.heldRecord, name: 'HeldRecord' },
    errors: {
      400: ['no reason, or a number that is not one', 'reason: must not be empty'], ...REFUSALS, 403: 'a role that may not decide, or a record outside the decider\'s scope', 404: 'no such campaign or held record',
      409: ['the record was decided already', 'held: record 7 was confirmed by Trưởng Công an huyện Thạch Hà at 2023-05-02T09:41:07.000Z; a held record is decided once'],
    },
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
    errors: { 400: ['an id that is not a number', 'id: expected a key as a decimal number such as 8, got "x"'], ...REFUSALS, 404: 'no such key' },
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
    description: 'With the admin\'s decisions, if any: `overrides` gives a feature (its number, from 0 in the order of the file) the code of its unit, or `excluded`. Every open screen is told and fetches its map again.',
    parameters: [importId],
    body: { schema: confirmSchema, name: 'MapConfirm', example: { overrides: { '12': '18586', '40': 'excluded' } } },
    ok: { status: 200, description: 'the new version', schema: shapes.mapVersionInfo, name: 'MapVersion' },
    errors: {
      400: ['an id that is not a number, or a body of the wrong shape', 'importId: expected an import as a decimal number such as 8, got "x"'], ...REFUSALS,
      404: 'no such import (drafts are kept for a day)', 409: 'the import was confirmed before',
      422: ['decisions naming no unit of the level, or leaving nothing on the map', 'overrides: no feature would be left on the map; give at least one feature a unit'],
    },
  },
  'POST /api/v1/maps/versions/{version}/activate': {
    tag: 'maps', summary: 'Roll back: an earlier version becomes its level\'s map again', auth: 'key',
    parameters: [{ name: 'version', in: 'path', required: true, description: 'a confirmed version', schema: { type: 'integer' } }],
    ok: { status: 200, description: 'the version, now active', schema: shapes.mapVersionInfo, name: 'MapVersion' },
    errors: { 400: 'a version that is not a number', ...REFUSALS, 404: 'no such version', 409: ['an import not yet confirmed', 'version: 14 is an import not yet confirmed; confirm it instead'] },
  },
  'GET /api/v1/maps/import/{importId}/topology': {
    tag: 'maps', summary: 'What an import holds, before it is merged with anything', auth: 'key',
    parameters: [importId],
    ok: { status: 200, description: 'TopoJSON', schema: shapes.topology, name: 'Topology' },
    errors: { 400: 'an id that is not a number', ...REFUSALS, 404: 'no such import' },
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
  'GET /api/v1/units': {
    tag: 'admin', summary: 'The loaded units of a subtree', auth: 'key',
    parameters: [{ name: 'root', in: 'query', description: 'GSO code of the subtree\'s root (default: the caller\'s unit)' }],
    ok: { status: 200, description: 'parents before children', schema: shapes.unitList, name: 'UnitList' },
    errors: { ...REFUSALS, 404: ['a root that is not loaded', 'root: "99" is not a loaded unit'] },
  },
  'POST /api/v1/units/import': {
    tag: 'admin', summary: 'Read a unit catalog file (nothing is loaded yet)', auth: 'key',
    description: 'An administrator. The CSV or XLSX file is the body: code, name, type, parent code, and optionally population; two levels (province, commune) or three.',
    parameters: [{ name: 'name', in: 'query', description: 'the file\'s name' }],
    body: 'binary',
    ok: { status: 200, description: 'what the file holds, and its problems', schema: shapes.catalogImportPreview, name: 'CatalogImportPreview' },
    errors: { 400: 'an empty or unreadable file', ...REFUSALS, 413: 'a file over the limit', 415: 'a form upload instead of the file as the body', 422: 'a sheet without the needed columns' },
  },
  'POST /api/v1/units/import/{importId}/confirm': {
    tag: 'admin', summary: 'Load a catalog read before', auth: 'key',
    parameters: [{ name: 'importId', in: 'path', required: true, description: 'the id the file\'s reading answered with' }],
    ok: { status: 200, description: 'units loaded', schema: shapes.unitsLoaded, name: 'UnitsLoaded' },
    errors: { ...REFUSALS, 404: ['no pending catalog of that id', 'importId: no pending catalog "c1" (confirmed already, or never read)'] },
  },
  'POST /api/v1/campaigns': {
    tag: 'admin', summary: 'Create a campaign', auth: 'key',
    description: 'An administrator whose unit holds the campaign\'s root. Metrics, milestones (each binding metrics, with the document that set it) and the start date.',
    body: { schema: campaignCreateSchema, name: 'CampaignCreate' },
    ok: { status: 201, description: 'the new campaign', schema: shapes.campaign, name: 'Campaign' },
    errors: {
      400: ['a field of the wrong shape', 'metrics: must hold at least one metric'], ...REFUSALS,
      409: ['a campaign of that id exists', 'id: a campaign "ha-tinh" exists already'], 422: ['a root unit that is not loaded, or a commune', 'rootUnit: "99" is not a loaded unit (load the catalog first)'],
    },
  },
  'PATCH /api/v1/campaigns/{id}': {
    tag: 'admin', summary: 'Change a campaign: name, dates, status, metrics, milestones', auth: 'key',
    description: 'Fields left out stay as they are; `metrics` and `milestones`, when given, are the whole new list. Every open screen of the campaign subscribes afresh.',
    parameters: [campaignId],
    body: { schema: campaignPatchSchema, name: 'CampaignPatch' },
    ok: { status: 200, description: 'the campaign as changed', schema: shapes.campaign, name: 'Campaign' },
    errors: {
      400: 'a field of the wrong shape', ...REFUSALS, 404: 'no such campaign',
      409: ['removing a metric that has records', 'metrics: eid2_intake already has records and cannot be removed; close the campaign instead'],
      422: 'a milestone bound to a metric the campaign does not have',
    },
  },
  'GET /api/v1/campaigns/{id}/targets': {
    tag: 'admin', summary: 'Every unit\'s target for a metric, and where it comes from', auth: 'key',
    parameters: [campaignId, { name: 'metric', in: 'query', required: true, description: 'the metric\'s key' }],
    ok: { status: 200, description: 'one row per unit', schema: shapes.targetRows, name: 'TargetRows' },
    errors: { 400: 'no metric', ...REFUSALS, 404: 'no such campaign', 409: 'an archived campaign', 422: 'a metric the campaign does not have' },
  },
  'PUT /api/v1/campaigns/{id}/targets': {
    tag: 'admin', summary: 'Set or revise targets, with the reason', auth: 'key',
    description: 'Targets set on units (communes, or a higher unit whose target is then its own). The previous ones are kept as versions.',
    parameters: [campaignId],
    body: { schema: targetsSchema, name: 'TargetsRequest' },
    ok: { status: 200, description: 'how many changed', schema: shapes.changed, name: 'Changed' },
    errors: { 400: 'a field of the wrong shape', ...REFUSALS, 404: 'no such campaign', 409: 'an archived campaign', 422: ['a unit not of the campaign, or given twice', 'targets[3].unit: 18586 is given twice'] },
  },
  'POST /api/v1/campaigns/{id}/targets/spread': {
    tag: 'admin', summary: 'Spread one total over the communes by population', auth: 'key',
    description: 'A total for a unit (the root by default), spread over its communes in proportion to population, by a repeatable rule whose sums are exact.',
    parameters: [campaignId],
    body: { schema: targetSpreadSchema, name: 'TargetSpreadRequest' },
    ok: { status: 200, description: 'how many changed', schema: shapes.changed, name: 'Changed' },
    errors: { 400: 'a field of the wrong shape', ...REFUSALS, 404: 'no such campaign', 409: 'an archived campaign', 422: 'a unit not of the campaign, or a metric it does not have' },
  },
  'GET /api/v1/campaigns/{id}/targets/versions': {
    tag: 'admin', summary: 'How targets changed, and why', auth: 'key',
    parameters: [campaignId, { name: 'metric', in: 'query', description: 'only this metric' }, { name: 'unit', in: 'query', description: 'only this unit' }],
    ok: { status: 200, description: 'the versions, newest first', schema: shapes.targetVersions, name: 'TargetVersions' },
    errors: { ...REFUSALS, 404: 'no such campaign', 422: 'a unit outside the caller\'s or not loaded' },
  },
  'POST /api/v1/campaigns/{id}/targets/import': {
    tag: 'admin', summary: 'Read a sheet of targets (nothing is applied yet)', auth: 'key',
    description: 'The CSV or XLSX file is the body. Rows are matched to communes by code, else by name.',
    parameters: [
      campaignId,
      { name: 'metric', in: 'query', required: true, description: 'the metric the targets are for' },
      { name: 'name', in: 'query', description: 'the file\'s name' },
      { name: 'column', in: 'query', description: 'the column holding the targets, when the sheet has several' },
    ],
    body: 'binary',
    ok: { status: 200, description: 'what would change, and each row refused with its reason', schema: shapes.targetImportPreview, name: 'TargetImportPreview' },
    errors: {
      400: 'an empty or unreadable file, or no metric', ...REFUSALS, 404: 'no such campaign', 409: 'an archived campaign', 413: 'a file over the limit',
      415: 'a form upload instead of the file as the body', 422: ['a sheet without usable rows', 'file: no row names a commune of this campaign'],
    },
  },
  'POST /api/v1/campaigns/{id}/targets/import/{importId}/confirm': {
    tag: 'admin', summary: 'Apply a sheet of targets read before, with the reason', auth: 'key',
    parameters: [campaignId, { name: 'importId', in: 'path', required: true, description: 'the id the sheet\'s reading answered with' }],
    body: { schema: targetImportConfirmSchema, name: 'TargetImportConfirm' },
    ok: { status: 200, description: 'how many changed', schema: shapes.changed, name: 'Changed' },
    errors: { 400: 'no reason', ...REFUSALS, 404: 'no pending import of that id', 409: 'an archived campaign' },
  },
  'PUT /api/v1/campaigns/{id}/commitments': {
    tag: 'admin', summary: 'Set a unit\'s own date for a metric', auth: 'key',
    parameters: [campaignId],
    body: { schema: commitmentSchema, name: 'CommitmentRequest' },
    ok: { status: 200, description: 'the campaign with its commitments', schema: shapes.campaign, name: 'Campaign' },
    errors: { 400: 'a field of the wrong shape', ...REFUSALS, 404: 'no such campaign', 409: 'an archived campaign', 422: 'a unit not of the campaign, or a metric it does not have' },
  },
  'DELETE /api/v1/campaigns/{id}/commitments/{metric}/{unit}': {
    tag: 'admin', summary: 'Remove a unit\'s own date for a metric', auth: 'key',
    parameters: [campaignId, { name: 'metric', in: 'path', required: true, description: 'the metric\'s key' }, { name: 'unit', in: 'path', required: true, description: 'GSO code' }],
    ok: { status: 200, description: 'the campaign with its commitments', schema: shapes.campaign, name: 'Campaign' },
    errors: { ...REFUSALS, 404: ['no such campaign or commitment', 'commitment: unit 18586 has no commitment for cccd_intake'], 409: 'an archived campaign' },
  },
  'GET /api/v1/people': {
    tag: 'admin', summary: 'People of the caller\'s unit', auth: 'key',
    description: 'Administrators see everyone in their unit; unit chiefs, their commune officers.',
    ok: { status: 200, description: 'every person', schema: shapes.personList, name: 'PersonList' },
    errors: { ...REFUSALS },
  },
  'POST /api/v1/people': {
    tag: 'admin', summary: 'Add a person', auth: 'key',
    description: 'Without a password, a one-time password is made and shown once; the person chooses their own at first sign-in.',
    body: { schema: personCreateSchema, name: 'PersonCreate' },
    ok: { status: 201, description: 'the new person', schema: shapes.personCreated, name: 'PersonCreated' },
    errors: { 400: 'a field of the wrong shape', ...REFUSALS, 409: ['a login in use', 'login: "thachkenh" is taken'], 422: 'a unit not loaded, or a role that does not fit it' },
  },
  'PATCH /api/v1/people/{id}': {
    tag: 'admin', summary: 'Change, disable or reset a person', auth: 'key',
    parameters: [{ name: 'id', in: 'path', required: true, description: 'the person\'s id', schema: { type: 'integer' } }],
    body: { schema: personPatchSchema, name: 'PersonPatch' },
    ok: { status: 200, description: 'the person as changed (with a one-time password after a reset)', schema: shapes.personCreated, name: 'PersonCreated' },
    errors: { 400: 'a field of the wrong shape', ...REFUSALS, 404: 'no such person', 422: 'an id that is not a number, a unit not loaded, or a role that does not fit it' },
  },
  'POST /api/v1/session': {
    tag: 'session', summary: 'Sign in', auth: 'none',
    description: 'Sets the session cookie (httpOnly, SameSite=Lax, Secure over HTTPS). Failed attempts are limited per login and address.',
    body: { schema: loginSchema, name: 'LoginRequest' },
    ok: { status: 200, description: 'signed in', schema: shapes.sessionInfo, name: 'SessionInfo' },
    errors: {
      400: 'a field of the wrong shape', 401: ['a wrong login or password', 'login: wrong login or password'], 403: ['a disabled account', 'login: this account is disabled; ask your administrator'],
      429: 'too many failed attempts: retry after Retry-After seconds', 503: REFUSALS[503],
    },
  },
  'GET /api/v1/session': {
    tag: 'session', summary: 'Who is signed in', auth: 'session',
    ok: { status: 200, description: 'the session', schema: shapes.sessionInfo, name: 'SessionInfo' },
    errors: { 401: 'nobody signed in', 404: ['an API key, which is not a person', 'session: nobody is signed in (an api key is not a person)'], 503: REFUSALS[503] },
  },
  'DELETE /api/v1/session': {
    tag: 'session', summary: 'Sign out', auth: 'none',
    ok: { status: 204, description: 'signed out: the session ends and the cookie is cleared' },
    errors: { 503: REFUSALS[503] },
  },
  'POST /api/v1/session/password': {
    tag: 'session', summary: 'Choose a new password', auth: 'session',
    description: 'Ends every other session of the person; this one goes on with a new cookie.',
    body: { schema: passwordChangeSchema, name: 'PasswordChange' },
    ok: { status: 200, description: 'the session', schema: shapes.sessionInfo, name: 'SessionInfo' },
    errors: { 400: 'a field of the wrong shape (at least 10 characters)', 401: ['a wrong current password', 'current: wrong password'], 403: 'not signed in as a person', 422: 'the same password again', 503: REFUSALS[503] },
  },
  'GET /api/v1/audit': {
    tag: 'admin', summary: 'The audit trail: who changed what, when, before and after, why', auth: 'key',
    description: 'Administrators and leadership, within their unit. Pages of entries, newest first; `format=csv` gives the whole filtered trail as a file.',
    parameters: [
      { name: 'unit', in: 'query', description: 'GSO code: changes within this unit' },
      { name: 'actor', in: 'query', description: 'who (a name)' },
      { name: 'kind', in: 'query', description: 'an action, e.g. target.revise' },
      { name: 'from', in: 'query', description: 'first date, YYYY-MM-DD' },
      { name: 'to', in: 'query', description: 'last date, YYYY-MM-DD' },
      { name: 'before', in: 'query', description: 'the `next` of the previous page' },
      { name: 'limit', in: 'query', description: 'entries per page, 1 to 1000' },
      { name: 'format', in: 'query', description: 'json (default) or csv', schema: { type: 'string', enum: ['json', 'csv'] } },
    ],
    ok: { status: 200, description: 'a page of entries (JSON), or the CSV file', schema: shapes.auditPage, name: 'AuditPage', alsoAs: 'text/csv' },
    errors: { 400: 'a format other than json or csv', ...REFUSALS, 422: 'a bad date, limit, entry id, or a unit not loaded' },
  },
  'POST /api/v1/campaigns/{id}/counts/import': {
    tag: 'office', summary: 'Read a daily sheet of counts (nothing is applied yet)', auth: 'key',
    description: 'The XLSX or CSV file is the body: a row per commune (by code or name), a column per metric holding the day\'s count ("Trong ngày") or the total so far ("Lũy kế"), headers perhaps merged under a title naming the day; totals rows are checked, not counted. Anyone who may report (an ingest or admin key, a chief, an officer), for the communes of their unit.',
    parameters: [
      campaignId,
      { name: 'name', in: 'query', description: 'the file\'s name' },
      { name: 'date', in: 'query', description: 'the day of the figures, YYYY-MM-DD, when the title names none (it must agree with the title if both do)' },
      { name: 'kind', in: 'query', description: 'what a column that does not say holds', schema: { type: 'string', enum: ['day', 'total'] } },
    ],
    body: 'binary',
    ok: { status: 200, description: 'what each figure would change, and what cannot be read', schema: shapes.countImportPreview, name: 'CountImportPreview' },
    errors: {
      400: 'an empty file, or a query parameter of the wrong shape', ...REFUSALS, 404: 'no such campaign', 413: 'a file over the limit',
      415: 'a form upload instead of the file as the body',
      422: ['not a sheet, no readable column of counts, or no day', 'date: the sheet\'s title names no day ("… ngày 12/5/2023"); give the day of its figures (date=YYYY-MM-DD)'],
    },
  },
  'POST /api/v1/campaigns/{id}/counts/import/{importId}/confirm': {
    tag: 'office', summary: 'Apply a daily sheet read before, as one batch', auth: 'key',
    description: 'Each figure becomes a cumulative report whose id is made of the day, metric, commune, kind and figure: a figure imported before applies nothing again. A sheet that lowers or revises figures needs `reason`; amounts the plausibility rule holds need `confirmed: true`.',
    parameters: [campaignId, { name: 'importId', in: 'path', required: true, description: 'the id the sheet\'s reading answered with' }],
    body: { schema: countImportConfirmSchema, name: 'CountImportConfirm' },
    ok: { status: 200, description: 'what was applied', schema: shapes.countImportResult, name: 'CountImportResult' },
    errors: {
      400: 'a field of the wrong shape', ...REFUSALS, 404: 'no pending sheet of that id',
      422: ['a correction without a reason, or an implausible amount not confirmed', 'reason: the sheet lowers or revises 1 figure (row 6 Xã Thạch Kênh, cccd_intake: 4512 → 4500); a correction needs a reason'],
    },
  },
  'GET /api/v1/campaigns/{id}/table': {
    tag: 'office', summary: 'The progress table of a scope on a day', auth: 'optional-key',
    description: 'The scope\'s children ranked, and the scope itself as the total: target, value, rate, remaining, the day\'s gain, per day to make each of the metric\'s milestones, and the finish (date and place, or the projected date). Today live; a past day as it stood at its end.',
    parameters: [campaignId, scope, { name: 'date', in: 'query', description: 'YYYY-MM-DD (default today)' }, { name: 'metric', in: 'query', description: 'only this metric' }],
    ok: { status: 200, description: 'a table per metric', schema: shapes.progressTables, name: 'ProgressTables' },
    errors: { 400: 'a parameter of the wrong shape', ...REFUSALS, 404: 'no such campaign', 422: 'a unit not of the campaign, a metric it does not have, or a day out of range' },
  },
  'GET /api/v1/campaigns/{id}/export': {
    tag: 'office', summary: 'The progress table as an XLSX or CSV file', auth: 'optional-key',
    description: 'XLSX: a sheet per metric (or the one asked), merged headers, numbers and dates under number formats. CSV (UTF-8 with a byte-order mark): one metric, the first by default, plain numbers and dd/mm/yyyy dates.',
    parameters: [
      campaignId, scope, { name: 'date', in: 'query', description: 'YYYY-MM-DD (default today)' }, { name: 'metric', in: 'query', description: 'only this metric' },
      { name: 'format', in: 'query', description: 'xlsx (default) or csv', schema: { type: 'string', enum: ['xlsx', 'csv'] } },
    ],
    ok: { status: 200, description: 'the file, as an attachment', contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
    errors: { 400: 'a format other than xlsx or csv', ...REFUSALS, 404: 'no such campaign', 422: 'a unit not of the campaign, a metric it does not have, or a day out of range' },
  },
  'GET /api/v1/campaigns/{id}/report': {
    tag: 'office', summary: 'The evening report ("Báo cáo nhanh") of a scope and a day', auth: 'optional-key',
    description: 'Each metric\'s table, each milestone\'s countdown, the communes with no record that day, the day\'s corrections and the notes covering it. The printable page is /print/{campaign}/{scope}?date=.',
    parameters: [campaignId, scope, { name: 'date', in: 'query', description: 'YYYY-MM-DD (default today)' }],
    ok: { status: 200, description: 'the report', schema: shapes.eveningReport, name: 'EveningReport' },
    errors: { 400: 'a parameter of the wrong shape', ...REFUSALS, 404: 'no such campaign', 422: 'a unit not of the campaign, or a day out of range' },
  },
  'GET /api/v1/campaigns/{id}/notes': {
    tag: 'office', summary: 'The notes a unit\'s pace chart shows', auth: 'optional-key',
    description: 'Notes pinned to the unit, to the units above it and to those below it; with `date`, those covering that day.',
    parameters: [campaignId, { name: 'unit', in: 'query', description: 'GSO code (default: the campaign\'s root)' }, { name: 'date', in: 'query', description: 'YYYY-MM-DD: only notes covering it' }],
    ok: { status: 200, description: 'the notes, by their first day', schema: shapes.noteList, name: 'NoteList' },
    errors: { 400: 'a parameter of the wrong shape', ...REFUSALS, 404: 'no such campaign', 422: 'a unit not of the campaign' },
  },
  'POST /api/v1/campaigns/{id}/notes': {
    tag: 'office', summary: 'Pin a note to a unit and a date range', auth: 'key',
    description: 'Leadership, a chief or an administrator, for a unit of their own; audited.',
    parameters: [campaignId],
    body: { schema: noteCreateSchema, name: 'NoteCreate', example: { unit: '18199', from: '2023-05-12', to: '2023-05-20', text: 'Phong tỏa COVID xã Sơn Kim 2' } },
    ok: { status: 201, description: 'the note', schema: shapes.note, name: 'Note' },
    errors: { 400: ['a field of the wrong shape', 'to: must not be before from'], ...REFUSALS, 404: 'no such campaign', 422: 'a unit not of the campaign, or a range before the campaign' },
  },
  'DELETE /api/v1/campaigns/{id}/notes/{note}': {
    tag: 'office', summary: 'Take a note down, with the reason', auth: 'key',
    parameters: [campaignId, { name: 'note', in: 'path', required: true, description: 'the note\'s id', schema: { type: 'integer' } }],
    body: { schema: noteDeleteSchema, name: 'NoteDelete' },
    ok: { status: 204, description: 'taken down (kept in the audit trail)' },
    errors: { 400: 'no reason, or an id that is not a number', ...REFUSALS, 404: 'no such note' },
  },
  'GET /metrics': {
    tag: 'operations', summary: 'Prometheus metrics', auth: 'metrics',
    description: 'With METRICS_TOKEN set, send it as a bearer token; without, only requests from this machine (not through a proxy) are answered.',
    ok: { status: 200, description: 'Prometheus text format', contentType: 'text/plain; version=0.0.4' },
    errors: { 401: 'METRICS_TOKEN is set and was not sent', 403: 'not from this machine, and no METRICS_TOKEN is set' },
  },
};

const SECURITY: Record<Auth, Record<string, string[]>[]> = {
  key: [{ key: [] }, { session: [] }],
  'optional-key': [{ key: [] }, { session: [] }, {}],
  session: [{ session: [] }],
  metrics: [{ metricsToken: [] }, {}],
  none: [],
};

export function buildDocument(app: INestApplication, version: string): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('tiendo')
    .setDescription('The command center of an enrollment campaign: ingestion of counted work, display data, keys, boundary maps and operations. Every refusal is JSON naming the field and the problem (`{statusCode, error, message}`), and nothing of a refused request is applied. Live updates go over Socket.IO (see the README).')
    .setVersion(version)
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'an API key: ingest, display or admin, scoped to a unit' }, 'key')
    .addCookieAuth('tiendo_session', { type: 'apiKey', in: 'cookie', description: 'a signed-in person\'s session (POST /api/v1/session)' }, 'session')
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
        ? { 'application/json': { schema: ref(ok.name!, ok.schema, 'output') }, ...(ok.alsoAs ? { [ok.alsoAs]: { schema: { type: 'string' } } } : {}) }
        : ok.contentType ? { [ok.contentType]: { schema: { type: 'string' } } } : undefined;
      operation.responses = { [ok.status]: { description: ok.description, ...(content ? { content } : {}) } };
      if (ok.also) operation.responses[ok.also.status] = { description: ok.also.description, ...(content ? { content } : {}) };
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
