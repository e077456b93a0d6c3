/**
 * Every endpoint against input of the right overall shape but wrong in one place: text the
 * database cannot hold (NUL, half a surrogate pair), wrong types, lengths past the limits,
 * instants PostgreSQL cannot take, repeated or huge query parameters, ids that only look like
 * numbers. Each answer is a 4xx naming the field, never echoes more than a few dozen
 * characters of what it was sent, and leaves the counters, the keys and the maps as they were.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SubscribeReply } from '@tiendo/shared';
import { connected, send } from '../helpers/access.js';
import { event } from '../helpers/api.js';
import { removeDir, startServer, type ServerProcess } from '../helpers/server.js';

let server: ServerProcess;

beforeAll(async () => {
  server = await startServer({ env: { PUBLIC_DISPLAY: 'false' } });
});

afterAll(async () => {
  await server?.stop();
  if (server) removeDir(server.dataDir);
});

interface Outcome {
  status: number;
  message: string;
}

interface Case {
  name: string;
  run: () => Promise<Outcome>;
  status: number;
  message: RegExp;
}

const HUGE = 'x'.repeat(900_000);

/** Bad values of a text field, and what the answer says of them. */
function badText(max: number): [string, unknown, RegExp][] {
  return [
    ['NUL', 'a\u0000b', /must not contain control characters/],
    ['a bell character', 'a\u0007b', /must not contain control characters/],
    ['a lone high surrogate', 'a\ud800b', /must be valid Unicode/],
    ['a lone low surrogate', '\udc00ab', /must be valid Unicode/],
    ['a reversed surrogate pair', '\udc00\ud83d', /must be valid Unicode/],
    ['a number', 5, /must be a string/],
    ['true', true, /must be a string/],
    ['null', null, /must be a string/],
    ['an object', { text: 'a' }, /must be a string/],
    ['an array', ['a'], /must be a string/],
    ['an empty string', '', /must not be empty/],
    ['only spaces', '   ', /must not be empty/],
    [`${max + 1} characters`, 'x'.repeat(max + 1), new RegExp(`must be at most ${max} characters`)],
    ['900 KB', HUGE, new RegExp(`must be at most ${max} characters`)],
  ];
}

const BAD_INSTANTS: [string, unknown, RegExp][] = [
  ['an offset of +16:00', '2026-01-10T10:00:00+16:00', /must have a time-zone offset between -14:00 and \+14:00/],
  ['an offset of -16:00', '2026-01-10T10:00:00-16:00', /must have a time-zone offset between -14:00 and \+14:00/],
  ['an offset of +23:59', '2026-01-10T10:00:00+23:59', /must have a time-zone offset between -14:00 and \+14:00/],
  ['an offset of -23:59', '2026-01-10T10:00:00-23:59', /must have a time-zone offset between -14:00 and \+14:00/],
  ['an offset of +14:30', '2026-01-10T10:00:00+14:30', /must have a time-zone offset between -14:00 and \+14:00/],
  ['the year 0000', '0000-01-10T10:00:00+07:00', /must be a time between the years 1900 and 9999/],
  ['the year 1899', '1899-12-31T10:00:00+07:00', /must be a time between the years 1900 and 9999/],
  ['the year 10000', '10000-01-10T10:00:00+07:00', /must be an ISO 8601 date-time/],
  ['an expanded year', '+010000-01-10T10:00:00Z', /must be an ISO 8601 date-time/],
  ['no time zone', '2026-01-10T10:00:00', /must be an ISO 8601 date-time/],
  ['a date only', '2026-01-10', /must be an ISO 8601 date-time/],
  ['30 February', '2026-02-30T10:00:00+07:00', /must be an ISO 8601 date-time/],
  ['hour 24', '2026-01-10T24:00:00+07:00', /must be an ISO 8601 date-time/],
  ['second 60', '2026-01-10T23:59:60+07:00', /must be an ISO 8601 date-time/],
  ['an offset without colon', '2026-01-10T10:00:00+0700', /must be an ISO 8601 date-time/],
  ['epoch milliseconds', 1_768_000_000_000, /must be a string/],
  ['NUL inside', '2026-01-10T10:00:00\u0000+07:00', /must be an ISO 8601 date-time/],
  ['900 KB', HUGE, /must be at most 64 characters/],
];

/** Route ids that only look like a number; each would once have named a key or an import. */
const BAD_IDS: [string, string][] = [
  ['hexadecimal', '0x8'], ['an exponent', '1e3'], ['a leading zero', '08'], ['negative', '-1'], ['zero', '0'],
  ['a leading space', '%208'], ['a trailing space', '8%20'], ['a fraction', '8.0'], ['a plus sign', '%2B8'],
  ['a full-width digit', '%EF%BC%98'], ['letters', 'abc'], ['NUL', '8%00'], ['digits then letters', '8a'],
  ['binary', '0b1000'], ['Infinity', 'Infinity'],
];

async function http(path: string, options: Parameters<typeof send>[2] = {}): Promise<Outcome> {
  const answer = await send(server.url, path, options);
  return { status: answer.status, message: String(answer.json.message ?? `(not JSON: ${answer.text.slice(0, 80)})`) };
}

const postJson = (path: string, key: string, body: unknown) => http(path, { method: 'POST', key, body: JSON.stringify(body) });
const read = (path: string) => http(path, { key: server.keys.display });

async function subscribeWith(request: unknown): Promise<Outcome> {
  const socket = await connected(server.url, { key: server.keys.display });
  try {
    const reply = (await socket.timeout(5000).emitWithAck('subscribe', request as never)) as SubscribeReply;
    return reply.ok ? { status: 200, message: 'subscribed' } : { status: reply.code === 'invalid' ? 400 : 0, message: reply.error };
  } finally {
    socket.close();
  }
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const under = (path: string, problem: RegExp) => new RegExp(`^${escape(path)}: ${problem.source}`);

const cases: Case[] = [];

// ---- POST /api/v1/events: every text field, every instant ----
const eventText: [string, number][] = [['id', 128], ['campaign', 64], ['metric', 64], ['unit', 64], ['source', 100], ['reason', 500]];
for (const [field, max] of eventText) {
  for (const [what, value, problem] of badText(max)) {
    cases.push({
      name: `events: ${field} as ${what}`,
      run: () => postJson('/api/v1/events', server.keys.ingest, { events: [event(), event({ delta: -1, reason: 'Nhập trùng', [field]: value } as never)] }),
      status: 400,
      message: under(`events[1].${field}`, problem),
    });
  }
}
for (const [what, value, problem] of BAD_INSTANTS) {
  cases.push({
    name: `events: occurredAt as ${what}`,
    run: () => postJson('/api/v1/events', server.keys.ingest, { events: [event({ occurredAt: value as string })] }),
    status: 400,
    message: under('events[0].occurredAt', problem),
  });
}
cases.push({
  name: 'events: a field name holding NUL and 900 KB',
  run: () => postJson('/api/v1/events', server.keys.ingest, { events: [{ ...event(), [`x\u0000${HUGE}`]: 1 }] }),
  status: 400,
  message: /^events\[0\]: Unrecognized key: "x\u0000x{62}…"$/,
});

// ---- POST /api/v1/reports ----
const reportText: [string, number][] = [['id', 128], ['campaign', 64], ['metric', 64], ['unit', 64], ['source', 100], ['reason', 500]];
const report = (overrides: Record<string, unknown>) => ({
  id: `bad-${Math.random().toString(36).slice(2)}`, campaign: 'ha-tinh', metric: 'cccd_intake', unit: '18586', total: 5, asOf: new Date().toISOString(), ...overrides,
});
for (const [field, max] of reportText) {
  for (const [what, value, problem] of badText(max).filter(([what]) => !['true', 'an object', 'only spaces'].includes(what))) {
    cases.push({
      name: `reports: ${field} as ${what}`,
      run: () => postJson('/api/v1/reports', server.keys.ingest, { reports: [report({ [field]: value })] }),
      status: 400,
      message: under(`reports[0].${field}`, problem),
    });
  }
}
for (const [what, value, problem] of BAD_INSTANTS) {
  cases.push({
    name: `reports: asOf as ${what}`,
    run: () => postJson('/api/v1/reports', server.keys.ingest, { reports: [report({ asOf: value })] }),
    status: 400,
    message: under('reports[0].asOf', problem),
  });
}
for (const [what, value, problem] of [
  ['a fraction', 1.5, /must be an integer/], ['a string', '5', /must be an integer/], ['negative', -1, /must not be negative/],
  ['above the bound', 100_000_001, /must be at most/], ['NaN as text', 'NaN', /must be an integer/],
] as [string, unknown, RegExp][]) {
  cases.push({
    name: `reports: total as ${what}`,
    run: () => postJson('/api/v1/reports', server.keys.ingest, { reports: [report({ total: value })] }),
    status: 400,
    message: under('reports[0].total', problem),
  });
}

// ---- Keys: create and revoke ----
for (const [field, max] of [['name', 100], ['scope', 64]] as [string, number][]) {
  for (const [what, value, problem] of badText(max)) {
    cases.push({
      name: `keys: ${field} as ${what}`,
      run: () => postJson('/api/v1/keys', server.keys.admin, { name: 'Màn hình', role: 'display', scope: '42', [field]: value }),
      status: 400,
      message: under(field, problem),
    });
  }
}
for (const [what, value] of [['NUL', 'display\u0000'], ['an unknown role', 'root'], ['a number', 5], ['a lone surrogate', '\ud800']] as [string, unknown][]) {
  cases.push({
    name: `keys: role as ${what}`,
    run: () => postJson('/api/v1/keys', server.keys.admin, { name: 'Màn hình', role: value, scope: '42' }),
    status: 400,
    message: /^role: must be one of ingest, display, admin/,
  });
}
for (const [what, id] of [...BAD_IDS, ['past the largest id', '2147483648'], ['twenty digits', '99999999999999999999']] as [string, string][]) {
  cases.push({
    name: `keys: revoke ${what} (${id})`,
    run: () => http(`/api/v1/keys/${id}`, { method: 'DELETE', key: server.keys.admin }),
    status: 400,
    message: /^id: (expected a key as a decimal number such as 8|must be at most 2147483647)/,
  });
}

// ---- Reading: snapshot, series, history ----
const readParams: [string, string, string][] = [
  ['snapshot', 'scope', '/api/v1/campaigns/ha-tinh/snapshot?'],
  ['series', 'unit', '/api/v1/campaigns/ha-tinh/series?'],
  ['history', 'scope', '/api/v1/campaigns/ha-tinh/history?date=2026-01-10&'],
  ['history', 'date', '/api/v1/campaigns/ha-tinh/history?scope=42&'],
  ['map', 'level', '/api/v1/maps/42?'],
];
for (const [endpoint, param, base] of readParams) {
  const good = param === 'date' ? '2026-01-10' : param === 'level' ? 'district' : '445';
  const max = param === 'date' ? 10 : 64;
  const table: [string, string, RegExp][] = [
    ['given twice', `${param}=${good}&${param}=42`, /given 2 times; give it once/],
    ['given three times', `${param}=${good}&${param}=${good}&${param}=${good}`, /given 3 times; give it once/],
    ['holding NUL', `${param}=4%002`, /must not contain control characters/],
    ['holding a line feed', `${param}=42%0A`, /must not contain control characters/],
    [`of ${max + 1} characters`, `${param}=${'9'.repeat(max + 1)}`, new RegExp(`must be at most ${max} characters`)],
    ['of 8,000 characters', `${param}=${'9'.repeat(8000)}`, new RegExp(`must be at most ${max} characters`)],
  ];
  for (const [what, query, problem] of table) {
    cases.push({ name: `${endpoint}: ${param} ${what}`, run: () => read(`${base}${query}`), status: 400, message: under(param, problem) });
  }
}
for (const [endpoint, path] of [
  ['snapshot', '/api/v1/campaigns/ha%00tinh/snapshot'], ['series', '/api/v1/campaigns/ha%00tinh/series'],
  ['history', '/api/v1/campaigns/ha%00tinh/history?date=2026-01-10'],
] as [string, string][]) {
  cases.push({ name: `${endpoint}: a campaign holding NUL`, run: () => read(path), status: 400, message: /^campaign: must not contain control characters/ });
}
cases.push({ name: 'snapshot: a campaign of 8,000 characters', run: () => read(`/api/v1/campaigns/${'c'.repeat(8000)}/snapshot`), status: 400, message: /^campaign: must be at most 64 characters/ });
cases.push({ name: 'snapshot: a scope of invalid UTF-8 bytes', run: () => read('/api/v1/campaigns/ha-tinh/snapshot?scope=%ED%A0%80'), status: 422, message: /^scope: "\uFFFD+" is not a unit of campaign "ha-tinh"$/ });
cases.push({ name: 'snapshot: an unknown scope of 64 digits is named in full', run: () => read(`/api/v1/campaigns/ha-tinh/snapshot?scope=${'9'.repeat(64)}`), status: 422, message: /^scope: "9{64}" is not a unit/ });
cases.push({ name: 'history: 30 February', run: () => read('/api/v1/campaigns/ha-tinh/history?scope=42&date=2026-02-30'), status: 422, message: /^date: expected YYYY-MM-DD/ });
cases.push({ name: 'history: the year 0000', run: () => read('/api/v1/campaigns/ha-tinh/history?scope=42&date=0000-01-01'), status: 422, message: /^date: 0000-01-01 is before the campaign started/ });

// ---- Maps: the unit in the path, import options, import ids ----
for (const [what, unit, problem] of [
  ['NUL', '4%002', /must not contain control characters/], ['a line feed', '42%0A', /must not contain control characters/],
  ['8,000 characters', '4'.repeat(8000), /must be at most 64 characters/],
] as [string, string, RegExp][]) {
  cases.push({ name: `map: a unit holding ${what}`, run: () => read(`/api/v1/maps/${unit}`), status: 400, message: under('unit', problem) });
}
const importFile = (query: string) => http(`/api/v1/maps/import?${query}`, {
  method: 'POST', key: server.keys.admin, headers: { 'content-type': 'application/octet-stream' }, body: '{"type":"FeatureCollection","features":[]}',
});
for (const [what, query, message] of [
  ['level given twice', 'level=district&level=commune', /^level: given 2 times; give it once/],
  ['property given twice', 'property=ma&property=ten', /^property: given 2 times; give it once/],
  ['name holding NUL', 'name=a%00.geojson', /^name: must not contain control characters/],
  ['parentProperty of 301 characters', `parentProperty=${'p'.repeat(301)}`, /^parentProperty: must be at most 300 characters/],
  ['an unknown option', 'levle=district', /^query: /],
] as [string, string, RegExp][]) {
  cases.push({ name: `map import: ${what}`, run: () => importFile(query), status: /layer|query/.test(message.source) ? 422 : 400, message });
}
for (const [what, id] of BAD_IDS) {
  cases.push({
    name: `map import: confirm ${what} (${id})`,
    run: () => http(`/api/v1/maps/import/${id}/confirm`, { method: 'POST', key: server.keys.admin }),
    status: 400,
    message: /^importId: expected an import as a decimal number such as 8/,
  });
}
cases.push({
  name: 'map import: the topology of 0x1',
  run: () => http('/api/v1/maps/import/0x1/topology', { key: server.keys.admin }),
  status: 400,
  message: /^importId: expected an import as a decimal number/,
});

// ---- Socket: subscribe ----
for (const field of ['campaign', 'scope']) {
  for (const [what, value, problem] of badText(64).filter(([what]) => !['true', 'an array', 'a reversed surrogate pair'].includes(what))) {
    cases.push({
      name: `subscribe: ${field} as ${what}`,
      run: () => subscribeWith({ campaign: 'ha-tinh', scope: '42', [field]: value }),
      status: 400,
      message: under(field, problem),
    });
  }
}
for (const [what, request, message] of [
  ['since negative', { campaign: 'ha-tinh', scope: '42', since: -1 }, /^since: must not be negative/],
  ['since a fraction', { campaign: 'ha-tinh', scope: '42', since: 1.5 }, /^since: must be an integer/],
  ['since a string', { campaign: 'ha-tinh', scope: '42', since: '5' }, /^since: must be an integer/],
  ['since past 2^53', { campaign: 'ha-tinh', scope: '42', since: 2 ** 60 }, /^since: must be an integer/],
  ['epoch a number', { campaign: 'ha-tinh', scope: '42', epoch: 5 }, /^epoch: must be a string/],
  ['epoch holding NUL', { campaign: 'ha-tinh', scope: '42', epoch: 'e\u0000' }, /^epoch: must not contain control characters/],
  ['an unknown field', { campaign: 'ha-tinh', scope: '42', scpoe: '445' }, /^subscribe: .*scpoe/],
  ['null', null, /^subscribe: /],
  ['a string', 'ha-tinh', /^subscribe: /],
  ['a number', 42, /^subscribe: /],
  ['an array', ['ha-tinh', '42'], /^subscribe: /],
] as [string, unknown, RegExp][]) {
  cases.push({ name: `subscribe: ${what}`, run: () => subscribeWith(request), status: 400, message });
}

/** What a bad request must leave as it was: the log's position, every value, the keys, the maps. */
async function state() {
  const [health, snapshot, keys, maps] = await Promise.all([
    send(server.url, '/api/health'),
    send(server.url, '/api/v1/campaigns/ha-tinh/snapshot?scope=42', { key: server.keys.display }),
    send(server.url, '/api/v1/keys', { key: server.keys.admin }),
    send(server.url, '/api/v1/maps/versions', { key: server.keys.admin }),
  ]);
  return { seq: health.json.seq, values: snapshot.json.values, keys: keys.json, maps: maps.json };
}

describe(`bad input (${cases.length} cases)`, () => {
  it('covers at least 150 cases across every endpoint', () => {
    expect(cases.length).toBeGreaterThanOrEqual(150);
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  });

  it.each(cases)('$name', async ({ run, status, message }) => {
    const before = await state();
    const outcome = await run();
    expect(outcome.status).toBe(status);
    expect(outcome.message).toMatch(message);
    // What is quoted back is cut short.
    expect(outcome.message.length).toBeLessThan(300);
    expect(await state()).toEqual(before);
  });
});
