/**
 * Who may do what, every role by every route: the demo's people (an administrator, leadership,
 * a district chief, a commune officer, an administrator of one district only, and an
 * administrator still holding the one-time password, who may do nothing until it is replaced),
 * its keys, a commune's key and nobody at all. Each cell is the status the route must answer;
 * 401 and 403 also name why.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { event } from '../helpers/api.js';
import { Session } from '../helpers/production.js';
import { removeDir, startServer, type ServerProcess } from '../helpers/server.js';

type Who = 'nobody' | 'display' | 'ingest' | 'adminKey' | 'communeKey' | 'admin' | 'leadership' | 'chief' | 'officer' | 'districtAdmin' | 'firstTime';
const EVERYONE: Who[] = ['nobody', 'display', 'ingest', 'adminKey', 'communeKey', 'admin', 'leadership', 'chief', 'officer', 'districtAdmin', 'firstTime'];

let server: ServerProcess;
const sessions = new Map<Who, Session>();
const keys = new Map<Who, string>();
let n = 0;

/** A request as `who` makes it: with its key, or with its session cookie; a file goes as it is. */
async function as(who: Who, method: string, path: string, body?: unknown, file?: Uint8Array): Promise<{ status: number; body: { message?: string } & Record<string, unknown> }> {
  const raw = file && { bytes: file, type: 'text/csv' };
  const session = sessions.get(who);
  if (session) return session.request(method, path, body, raw);
  const headers: Record<string, string> = {};
  if (keys.has(who)) headers.authorization = `Bearer ${keys.get(who)}`;
  if (body !== undefined || raw) headers['content-type'] = raw ? raw.type : 'application/json';
  const payload = raw ? (raw.bytes as unknown as BodyInit) : body === undefined ? undefined : JSON.stringify(body);
  const response = await fetch(`${server.url}${path}`, { method, headers, body: payload });
  const text = await response.text();
  return { status: response.status, body: text.startsWith('{') ? JSON.parse(text) : {} };
}

/** What the demo's administrator makes first for a route that consumes something: a key, a person, a commitment, a read sheet. */
const prepare = <T = Record<string, unknown>>(method: string, path: string, body?: unknown, file?: Uint8Array) =>
  as('admin', method, path, body, file).then((answer) => {
    expect(answer.status, `${method} ${path}: ${answer.body.message}`).toBeLessThan(300);
    return answer.body as T;
  });

const targetSheet = new TextEncoder().encode('Mã đơn vị,Tên đơn vị,Chỉ tiêu\r\n18586,Xã Thạch Kênh,6400\r\n');

interface Route {
  name: string;
  call: (who: Who) => Promise<{ status: number; body: { message?: string } }>;
  /** The status of each principal; everyone else gets `otherwise`. */
  expect: Partial<Record<Who, number>>;
  otherwise: number;
}

const unique = () => `${process.pid}${n++}`;
/** Two records of Thạch Kênh's officer held by the plausibility rule: one to confirm, one to reject. */
const heldIds: number[] = [];

const ROUTES: Route[] = [
  {
    name: 'GET /api/v1/campaigns/:id/standing (a commune)', call: (w) => as(w, 'GET', '/api/v1/campaigns/ha-tinh/standing?unit=18586'),
    // It names who sent each record: readers of the commune only, even with public displays.
    expect: { nobody: 401, districtAdmin: 403, firstTime: 403 }, otherwise: 200,
  },
  {
    name: 'GET /api/v1/campaigns/:id/silence (a district)', call: (w) => as(w, 'GET', '/api/v1/campaigns/ha-tinh/silence?scope=445'),
    expect: { nobody: 401, communeKey: 403, officer: 403, districtAdmin: 403, firstTime: 403 }, otherwise: 200,
  },
  {
    name: 'GET /api/v1/campaigns/:id/held (Thạch Hà)', call: (w) => as(w, 'GET', '/api/v1/campaigns/ha-tinh/held?scope=445'),
    expect: { nobody: 401, adminKey: 200, admin: 200, leadership: 200, chief: 200 }, otherwise: 403,
  },
  {
    name: 'POST /api/v1/campaigns/:id/held/:held/confirm (Thạch Kênh)', call: (w) => as(w, 'POST', `/api/v1/campaigns/ha-tinh/held/${heldIds[0]}/confirm`, {}),
    // The first who may decide confirms it; it is decided once, so the others are told so.
    expect: { nobody: 401, adminKey: 200, admin: 409, leadership: 409, chief: 409 }, otherwise: 403,
  },
  {
    name: 'POST /api/v1/campaigns/:id/held/:held/reject (Thạch Kênh)', call: (w) => as(w, 'POST', `/api/v1/campaigns/ha-tinh/held/${heldIds[1]}/reject`, { reason: 'Thử quyền' }),
    expect: { nobody: 401, adminKey: 200, admin: 409, leadership: 409, chief: 409 }, otherwise: 403,
  },
  {
    // Display data: the demo's wall is public, so every reader may see it.
    name: 'GET /api/v1/campaigns/:id/units (a district)', call: (w) => as(w, 'GET', '/api/v1/campaigns/ha-tinh/units?scope=445&depth=1'),
    expect: {}, otherwise: 200,
  },
  {
    name: 'GET /api/v1/session', call: (w) => as(w, 'GET', '/api/v1/session'),
    expect: { nobody: 401, display: 404, ingest: 404, adminKey: 404, communeKey: 404 }, otherwise: 200,
  },
  {
    name: 'GET /api/v1/units', call: (w) => as(w, 'GET', '/api/v1/units'),
    expect: { nobody: 401, firstTime: 403 }, otherwise: 200,
  },
  {
    name: 'GET /api/v1/units?root=42 (scope)', call: (w) => as(w, 'GET', '/api/v1/units?root=42'),
    expect: { nobody: 401, communeKey: 403, chief: 403, officer: 403, districtAdmin: 403, firstTime: 403 }, otherwise: 200,
  },
  {
    name: 'POST /api/v1/units/import', call: (w) => as(w, 'POST', '/api/v1/units/import?name=x.json', { not: 'a sheet' }),
    // Read and shown with its problems; nothing is loaded.
    expect: { nobody: 401, adminKey: 200, admin: 200, districtAdmin: 200 }, otherwise: 403,
  },
  {
    name: 'GET /api/v1/people', call: (w) => as(w, 'GET', '/api/v1/people'),
    expect: { nobody: 401, adminKey: 200, admin: 200, chief: 200, districtAdmin: 200 }, otherwise: 403,
  },
  {
    name: 'POST /api/v1/people (an officer of Thạch Kênh)',
    call: (w) => as(w, 'POST', '/api/v1/people', { login: `cb.${unique()}`, name: 'Cán bộ', role: 'officer', scope: '18586' }),
    expect: { nobody: 401, adminKey: 201, admin: 201, chief: 201 }, otherwise: 403,
  },
  {
    name: 'POST /api/v1/people (a leader of the province)',
    call: (w) => as(w, 'POST', '/api/v1/people', { login: `ld.${unique()}`, name: 'Lãnh đạo', role: 'leadership', scope: '42' }),
    expect: { nobody: 401, adminKey: 201, admin: 201 }, otherwise: 403,
  },
  {
    name: 'GET /api/v1/keys', call: (w) => as(w, 'GET', '/api/v1/keys'),
    expect: { nobody: 401, adminKey: 200, admin: 200, districtAdmin: 200 }, otherwise: 403,
  },
  {
    name: 'POST /api/v1/keys (a display key of Can Lộc)', call: (w) => as(w, 'POST', '/api/v1/keys', { name: 'TV', role: 'display', scope: '443' }),
    expect: { nobody: 401, adminKey: 201, admin: 201, districtAdmin: 201 }, otherwise: 403,
  },
  {
    name: 'POST /api/v1/campaigns', call: (w) => as(w, 'POST', '/api/v1/campaigns', {
      id: `c${unique()}`, name: 'Thử', startDate: '2023-02-01', rootUnit: '42', metrics: [{ key: 'a', name: 'A' }],
    }),
    expect: { nobody: 401, adminKey: 201, admin: 201 }, otherwise: 403,
  },
  {
    name: 'PATCH /api/v1/campaigns/ha-tinh', call: (w) => as(w, 'PATCH', '/api/v1/campaigns/ha-tinh', { name: 'Thu nhận CCCD gắn chip và định danh điện tử mức 2 — tỉnh Hà Tĩnh' }),
    expect: { nobody: 401, adminKey: 200, admin: 200 }, otherwise: 403,
  },
  {
    name: 'GET /api/v1/campaigns/ha-tinh/targets', call: (w) => as(w, 'GET', '/api/v1/campaigns/ha-tinh/targets?metric=cccd_intake'),
    expect: { nobody: 401, adminKey: 200, admin: 200 }, otherwise: 403,
  },
  {
    name: 'PUT /api/v1/campaigns/ha-tinh/targets (Can Lộc)', call: (w) => as(w, 'PUT', '/api/v1/campaigns/ha-tinh/targets', {
      metric: 'eid2_activation', reason: 'Thử quyền', targets: [{ unit: '443', target: 60_000 }],
    }),
    // A district's administrator does not administer the province's campaign.
    expect: { nobody: 401, adminKey: 200, admin: 200 }, otherwise: 403,
  },
  {
    name: 'PUT /api/v1/campaigns/ha-tinh/commitments', call: (w) => as(w, 'PUT', '/api/v1/campaigns/ha-tinh/commitments', { metric: 'cccd_intake', unit: '443', date: '2023-05-15' }),
    expect: { nobody: 401, adminKey: 200, admin: 200 }, otherwise: 403,
  },
  {
    name: 'GET /api/v1/audit', call: (w) => as(w, 'GET', '/api/v1/audit?limit=1'),
    expect: { nobody: 401, adminKey: 200, admin: 200, leadership: 200, districtAdmin: 200 }, otherwise: 403,
  },
  {
    name: 'GET /api/v1/audit?unit=42 (scope)', call: (w) => as(w, 'GET', '/api/v1/audit?unit=42&limit=1'),
    expect: { nobody: 401, adminKey: 200, admin: 200, leadership: 200 }, otherwise: 403,
  },
  {
    name: 'POST /api/v1/events (Thạch Kênh)', call: (w) => as(w, 'POST', '/api/v1/events', { events: [event({ unit: '18586', delta: 1 })] }),
    expect: { nobody: 401, display: 403, leadership: 403, districtAdmin: 403, firstTime: 403 }, otherwise: 200,
  },
  {
    name: 'POST /api/v1/events (Thạch Sơn)', call: (w) => as(w, 'POST', '/api/v1/events', { events: [event({ unit: '18589', delta: 1 })] }),
    expect: { nobody: 401, ingest: 200, adminKey: 200, admin: 200, chief: 200 }, otherwise: 403,
  },
  {
    name: 'POST /api/v1/maps/import', call: (w) => as(w, 'POST', '/api/v1/maps/import?name=x.json', { type: 'Nothing' }),
    // The province's boundaries are the province's administrators' to change.
    expect: { nobody: 401, adminKey: 422, admin: 422 }, otherwise: 403,
  },
  {
    name: 'GET /api/v1/campaigns', call: (w) => as(w, 'GET', '/api/v1/campaigns'),
    expect: {}, otherwise: 200,
  },
  {
    // The demo's displays are public: every caller may show every campaign.
    name: 'GET /api/v1/campaigns?readable=true', call: (w) => as(w, 'GET', '/api/v1/campaigns?readable=true'),
    expect: {}, otherwise: 200,
  },
  {
    name: 'DELETE /api/v1/keys/:id (a display key of Can Lộc)', call: async (w) => {
      const { id } = await prepare<{ id: number }>('POST', '/api/v1/keys', { name: 'TV thử', role: 'display', scope: '443' });
      return as(w, 'DELETE', `/api/v1/keys/${id}`);
    },
    expect: { nobody: 401, adminKey: 200, admin: 200, districtAdmin: 200 }, otherwise: 403,
  },
  {
    name: 'DELETE /api/v1/keys/:id (the province\'s display key)', call: async (w) => {
      const { id } = await prepare<{ id: number }>('POST', '/api/v1/keys', { name: 'TV tỉnh thử', role: 'display', scope: '42' });
      return as(w, 'DELETE', `/api/v1/keys/${id}`);
    },
    expect: { nobody: 401, adminKey: 200, admin: 200 }, otherwise: 403,
  },
  {
    name: 'PATCH /api/v1/people/:id (an officer of Thạch Kênh)', call: async (w) => {
      const { id } = await prepare<{ id: number }>('POST', '/api/v1/people', { login: `cb.${unique()}`, name: 'Cán bộ', role: 'officer', scope: '18586' });
      return as(w, 'PATCH', `/api/v1/people/${id}`, { name: 'Cán bộ xã Thạch Kênh' });
    },
    expect: { nobody: 401, adminKey: 200, admin: 200, chief: 200 }, otherwise: 403,
  },
  {
    name: 'PATCH /api/v1/people/:id (a leader of the province)', call: async (w) => {
      const { id } = await prepare<{ id: number }>('POST', '/api/v1/people', { login: `ld.${unique()}`, name: 'Lãnh đạo', role: 'leadership', scope: '42' });
      return as(w, 'PATCH', `/api/v1/people/${id}`, { disabled: true });
    },
    expect: { nobody: 401, adminKey: 200, admin: 200 }, otherwise: 403,
  },
  {
    name: 'POST /api/v1/units/import/:importId/confirm', call: (w) => as(w, 'POST', '/api/v1/units/import/nothing-read/confirm'),
    // Administrators get as far as finding that nothing was read under that id.
    expect: { nobody: 401, adminKey: 404, admin: 404, districtAdmin: 404 }, otherwise: 403,
  },
  {
    name: 'POST /api/v1/campaigns/ha-tinh/targets/spread (Can Lộc)', call: (w) => as(w, 'POST', '/api/v1/campaigns/ha-tinh/targets/spread', {
      metric: 'eid2_activation', total: 60_000, unit: '443', reason: 'Thử quyền',
    }),
    expect: { nobody: 401, adminKey: 200, admin: 200 }, otherwise: 403,
  },
  {
    name: 'GET /api/v1/campaigns/ha-tinh/targets/versions', call: (w) => as(w, 'GET', '/api/v1/campaigns/ha-tinh/targets/versions?metric=cccd_intake&unit=18586'),
    expect: { nobody: 401, adminKey: 200, admin: 200 }, otherwise: 403,
  },
  {
    name: 'POST /api/v1/campaigns/ha-tinh/targets/import', call: (w) => as(w, 'POST', '/api/v1/campaigns/ha-tinh/targets/import?metric=cccd_intake&name=chi-tieu.csv', undefined, targetSheet),
    // Read and shown; nothing is applied.
    expect: { nobody: 401, adminKey: 200, admin: 200 }, otherwise: 403,
  },
  {
    name: 'POST /api/v1/campaigns/ha-tinh/targets/import/:importId/confirm', call: async (w) => {
      const { importId } = await prepare<{ importId: string }>('POST', '/api/v1/campaigns/ha-tinh/targets/import?metric=cccd_intake&name=chi-tieu.csv', undefined, targetSheet);
      return as(w, 'POST', `/api/v1/campaigns/ha-tinh/targets/import/${importId}/confirm`, { reason: 'Thử quyền' });
    },
    expect: { nobody: 401, adminKey: 200, admin: 200 }, otherwise: 403,
  },
  {
    name: 'DELETE /api/v1/campaigns/ha-tinh/commitments/:metric/:unit', call: async (w) => {
      await prepare('PUT', '/api/v1/campaigns/ha-tinh/commitments', { metric: 'eid2_intake', unit: '443', date: '2023-06-15' });
      return as(w, 'DELETE', '/api/v1/campaigns/ha-tinh/commitments/eid2_intake/443');
    },
    expect: { nobody: 401, adminKey: 200, admin: 200 }, otherwise: 403,
  },
  {
    name: 'GET /api/v1/audit?format=csv', call: (w) => as(w, 'GET', '/api/v1/audit?format=csv&limit=1'),
    expect: { nobody: 401, adminKey: 200, admin: 200, leadership: 200, districtAdmin: 200 }, otherwise: 403,
  },
  {
    name: 'GET /api/v1/maps/versions', call: (w) => as(w, 'GET', '/api/v1/maps/versions'),
    expect: { nobody: 401, adminKey: 200, admin: 200 }, otherwise: 403,
  },
  {
    name: 'POST /api/v1/maps/import/:importId/confirm', call: (w) => as(w, 'POST', '/api/v1/maps/import/999999/confirm'),
    expect: { nobody: 401, adminKey: 404, admin: 404 }, otherwise: 403,
  },
  {
    name: 'GET /api/v1/maps/import/:importId/topology', call: (w) => as(w, 'GET', '/api/v1/maps/import/999999/topology'),
    expect: { nobody: 401, adminKey: 404, admin: 404 }, otherwise: 403,
  },
  {
    name: 'POST /api/v1/maps/versions/:version/activate', call: (w) => as(w, 'POST', '/api/v1/maps/versions/999999/activate'),
    expect: { nobody: 401, adminKey: 404, admin: 404 }, otherwise: 403,
  },
];

beforeAll(async () => {
  server = await startServer();
  keys.set('display', server.keys.display).set('ingest', server.keys.ingest).set('adminKey', server.keys.admin);
  const people = JSON.parse(readFileSync(join(server.dataDir, 'demo-people.json'), 'utf8')) as Record<string, { login: string; password: string }>;
  for (const role of ['admin', 'leadership', 'chief', 'officer'] as const) {
    const session = new Session(server.url);
    expect((await session.signIn(people[role].login, people[role].password)).status).toBe(200);
    sessions.set(role, session);
  }
  const admin = sessions.get('admin')!;
  const commune = await admin.request<{ key: string }>('POST', '/api/v1/keys', { name: 'Xã Thạch Kênh', role: 'ingest', scope: '18586' });
  keys.set('communeKey', commune.body.key);
  const made = await admin.request<{ oneTimePassword: string }>('POST', '/api/v1/people', { login: 'qt.canloc', name: 'Quản trị Can Lộc', role: 'admin', scope: '443' });
  const districtAdmin = new Session(server.url);
  await districtAdmin.signIn('qt.canloc', made.body.oneTimePassword);
  await districtAdmin.request('POST', '/api/v1/session/password', { current: made.body.oneTimePassword, password: 'quản trị huyện Can Lộc' });
  sessions.set('districtAdmin', districtAdmin);
  // An administrator of the province signed in with the one-time password, not yet replaced.
  const newcomer = await admin.request<{ oneTimePassword: string }>('POST', '/api/v1/people', { login: 'qt.moi', name: 'Quản trị mới', role: 'admin', scope: '42' });
  const firstTime = new Session(server.url);
  await firstTime.signIn('qt.moi', newcomer.body.oneTimePassword);
  sessions.set('firstTime', firstTime);
  for (let i = 0; i < 2; i++) {
    const sent = await sessions.get('officer')!.request<{ held: { status: string }[] }>('POST', '/api/v1/events', { events: [event({ unit: '18586', delta: 90_000 })] });
    expect(sent).toMatchObject({ status: 202, body: { held: [{ status: 'held' }] } });
  }
  const { body } = await sessions.get('chief')!.request<{ held: { id: number }[] }>('GET', '/api/v1/campaigns/ha-tinh/held');
  heldIds.push(...body.held.map((h) => h.id));
  expect(heldIds).toHaveLength(2);
});

afterAll(async () => {
  await server?.stop();
  if (server) removeDir(server.dataDir);
});

describe('every role by every route', () => {
  for (const route of ROUTES) {
    it(route.name, async () => {
      const got: Partial<Record<Who, number>> = {};
      const want: Partial<Record<Who, number>> = {};
      for (const who of EVERYONE) {
        const answer = await route.call(who);
        got[who] = answer.status;
        want[who] = route.expect[who] ?? route.otherwise;
        if (answer.status === 401 || answer.status === 403) expect(answer.body.message, `${route.name} as ${who}`).toMatch(/^[\w[\].]+: /);
      }
      expect(got).toEqual(want);
    });
  }
});
