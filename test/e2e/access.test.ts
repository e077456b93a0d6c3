/**
 * Who may read and write, over real HTTP and Socket.IO: keys checked at the socket's
 * handshake, revocation reaching open sockets (on this instance and, on PostgreSQL, another),
 * a socket that cannot occupy the service, failed keys limited per address, security headers,
 * allowed origins, and public displays where a key never sees less than no key.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SubscribeReply } from '@tiendo/shared';
import { connect, connected, createKey, revokeKey, send, type LiveSocket } from '../helpers/access.js';
import { event, postEvents } from '../helpers/api.js';
import { CHROMIUM, hasChromium, launch, artifact } from '../helpers/browser.js';
import { waitFor } from '../helpers/live-client.js';
import { freshPostgres, removeDir, startServer, type ServerProcess } from '../helpers/server.js';

const FAILURE_LIMIT = 10;
/** The other "machines" of these tests: loopback addresses other than the server's own. */
const ATTACKER = '127.0.0.2';
const NEIGHBOUR = '127.0.0.3';

let closed: ServerProcess;
let open: ServerProcess;

beforeAll(async () => {
  [closed, open] = await Promise.all([
    startServer({ env: { PUBLIC_DISPLAY: 'false', AUTH_FAILURE_LIMIT: String(FAILURE_LIMIT) } }),
    startServer({ env: { PUBLIC_DISPLAY: 'true', ALLOWED_ORIGINS: 'http://wall.example.vn' } }),
  ]);
});

afterAll(async () => {
  await Promise.all([closed?.stop(), open?.stop()]);
  for (const s of [closed, open]) if (s) removeDir(s.dataDir);
});

const subscribe = (socket: LiveSocket, scope: string, campaign = 'ha-tinh'): Promise<SubscribeReply> =>
  socket.emitWithAck('subscribe', { campaign, scope });

/** Resolves with what the server said and when, once it ends the socket's access. */
function accessEnded(socket: LiveSocket): Promise<{ code: string; message: string; reason: string; at: number }> {
  return new Promise((resolve) => {
    let ended: { code: string; message: string } | null = null;
    socket.on('accessEnded', (message) => (ended = message));
    socket.on('disconnect', (reason) => resolve({ ...(ended ?? { code: 'none', message: '' }), reason, at: Date.now() }));
  });
}

describe('sockets of a closed display (PUBLIC_DISPLAY off)', () => {
  it('refuses a socket without a valid key at the handshake, with a code', async () => {
    for (const [key, code] of [[undefined, 'unauthorized'], ['td_display_made_up', 'unauthorized'], [42, 'invalid']] as const) {
      const refused = await connect(closed.url, { key });
      expect(refused.connected).toBe(false);
      if (!refused.connected) expect(refused.data?.code).toBe(code);
    }
  });

  it('admits a display key to its own unit only, and sends it heartbeats', async () => {
    const { key } = await createKey(closed, 'display', '445', 'Màn hình Thạch Hà');
    const socket = await connected(closed.url, { key });
    const heartbeat = new Promise((resolve) => socket.once('heartbeat', resolve));
    const own = await subscribe(socket, '445');
    expect(own.ok && own.kind).toBe('snapshot');
    const other = await subscribe(socket, '42');
    expect(other).toMatchObject({ ok: false, code: 'forbidden', error: expect.stringMatching(/^scope: /) });
    expect(await heartbeat).toMatchObject({ seq: expect.any(Number) });
    socket.close();
  });

  it('ends the sockets of a revoked key within a second; its other uses stop at once', async () => {
    const doomed = await createKey(closed, 'display', '42', 'Màn hình bị thu hồi');
    const kept = await createKey(closed, 'display', '42', 'Màn hình còn dùng');
    const sockets = await Promise.all([connected(closed.url, { key: doomed.key }), connected(closed.url, { key: doomed.key })]);
    const other = await connected(closed.url, { key: kept.key });
    for (const s of [...sockets, other]) expect((await subscribe(s, '42')).ok).toBe(true);
    const endings = sockets.map(accessEnded);

    const revokedAt = Date.now();
    expect(await revokeKey(closed, doomed.id)).toBe(200);
    for (const ending of await Promise.all(endings)) {
      expect(ending).toMatchObject({ code: 'unauthorized', message: expect.stringMatching(/revoked/), reason: 'io server disconnect' });
      expect(ending.at - revokedAt).toBeLessThan(1000);
    }
    console.log(`revocation to disconnect, same instance: ${Math.max(...(await Promise.all(endings)).map((e) => e.at - revokedAt))} ms`);
    expect(other.connected).toBe(true);
    expect((await subscribe(other, '445')).ok).toBe(true);
    other.close();

    expect((await send(closed.url, '/api/v1/campaigns/ha-tinh/snapshot?scope=42', { key: doomed.key })).status).toBe(401);
    const again = await connect(closed.url, { key: doomed.key });
    expect(again.connected ? 'connected' : again.data?.code).toBe('unauthorized');
  });
});

describe('one client cannot occupy the service', () => {
  /** Posts one event after another until `done`; every answer and its time. */
  async function ingestUntil(done: Promise<unknown>): Promise<{ statuses: number[]; ms: number[] }> {
    let finished = false;
    void done.finally(() => (finished = true));
    const statuses: number[] = [];
    const ms: number[] = [];
    while (!finished || statuses.length < 5) {
      const started = performance.now();
      statuses.push((await postEvents(closed.url, closed.keys.ingest, [event({ delta: 1 })])).status);
      ms.push(performance.now() - started);
    }
    return { statuses, ms };
  }

  const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))];

  it('answers 300 subscribes at once on one connection with a new key: some served, the rest busy, none failed', async () => {
    const { key } = await createKey(closed, 'display', '42', 'Màn hình mới');
    const socket = await connected(closed.url, { key });
    const replies = Promise.all(Array.from({ length: 300 }, (_, i) => subscribe(socket, i % 2 ? '42' : '445')));
    const ingest = await ingestUntil(replies);
    const codes = (await replies).map((r) => (r.ok ? 'ok' : r.code));
    const served = codes.filter((c) => c === 'ok').length;
    expect(served).toBeGreaterThan(0);
    expect(served).toBeLessThanOrEqual(20);
    expect(codes.filter((c) => c !== 'ok' && c !== 'busy')).toEqual([]);
    expect((await replies).find((r) => !r.ok && !/^subscribe: /.test(r.error))).toBeUndefined();
    expect(new Set(ingest.statuses)).toEqual(new Set([200]));
    console.log(`300 subscribes on one socket: ${served} served, ${300 - served} busy; ingest meanwhile ${ingest.ms.length} posts, p50 ${percentile(ingest.ms, 0.5).toFixed(1)} ms, max ${Math.max(...ingest.ms).toFixed(1)} ms`);
    socket.close();
  });

  it('lets a connection follow at most 8 scopes, and take another after leaving one', async () => {
    const socket = await connected(closed.url, { key: closed.keys.display });
    const scopes = ['42', '436', '437', '439', '440', '441', '442', '443', '444'];
    const replies = [];
    for (const scope of scopes) replies.push(await subscribe(socket, scope));
    expect(replies.slice(0, 8).every((r) => r.ok)).toBe(true);
    expect(replies[8]).toMatchObject({ ok: false, code: 'busy', error: expect.stringMatching(/^subscribe: .*at most 8 scopes/) });
    expect((await subscribe(socket, '42')).ok).toBe(true);
    socket.emit('unsubscribe', { campaign: 'ha-tinh', scope: '436', depth: null });
    expect((await subscribe(socket, '444')).ok).toBe(true);
    socket.close();
  });

  it('serves 300 connections opened at once with a new key, and ingest goes on', async () => {
    const { key } = await createKey(closed, 'display', '42', 'Phòng chỉ huy');
    const all = Promise.all(Array.from({ length: 300 }, async () => {
      const socket = await connected(closed.url, { key });
      const reply = await subscribe(socket, '42');
      return { socket, reply };
    }));
    const ingest = await ingestUntil(all);
    const results = await all;
    expect(results.filter((r) => !r.reply.ok).map((r) => !r.reply.ok && r.reply.error)).toEqual([]);
    const seqs = new Set(results.map((r) => r.reply.ok && r.reply.kind === 'snapshot' ? r.reply.seq : -1));
    expect(seqs.has(-1)).toBe(false);
    expect(new Set(ingest.statuses)).toEqual(new Set([200]));
    console.log(`300 connections with one new key: all served; ingest meanwhile ${ingest.ms.length} posts, p50 ${percentile(ingest.ms, 0.5).toFixed(1)} ms, max ${Math.max(...ingest.ms).toFixed(1)} ms`);
    for (const r of results) r.socket.close();
  });
});

describe('failed keys are limited per address', () => {
  it(`answers 429 with Retry-After after ${FAILURE_LIMIT} unknown keys from one address, while valid keys from it keep working`, async () => {
    const batch = (key: string) => ({ method: 'POST', key, from: ATTACKER, body: JSON.stringify({ events: [event()] }) });
    expect((await send(closed.url, '/api/v1/events', batch(closed.keys.ingest))).status).toBe(200);
    const refusals = [];
    for (let i = 0; i < FAILURE_LIMIT + 30; i++) {
      refusals.push(await send(closed.url, '/api/v1/events', batch(`td_ingest_guess_${i}_${Math.random().toString(36).slice(2)}`)));
      expect((await send(closed.url, '/api/v1/events', batch(closed.keys.ingest))).status).toBe(200);
    }
    expect(refusals.map((r) => r.status)).toEqual([...Array(FAILURE_LIMIT).fill(401), ...Array(30).fill(429)]);
    for (const r of refusals.slice(FAILURE_LIMIT)) {
      expect(r.json.message).toMatch(/^Authorization: too many failed key attempts/);
      expect(Number(r.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(r.headers['retry-after'])).toBeLessThanOrEqual(60);
    }

    // The socket's handshake counts the same attempts.
    const socketGuess = await connect(closed.url, { key: 'td_display_guess', from: ATTACKER });
    expect(socketGuess.connected ? 'connected' : socketGuess.data).toMatchObject({ code: 'busy', retryAfter: expect.any(Number) });
    const display = await connected(closed.url, { key: closed.keys.display, from: ATTACKER });
    expect((await subscribe(display, '42')).ok).toBe(true);
    display.close();
    expect((await send(closed.url, '/api/v1/campaigns/ha-tinh/snapshot?scope=42', { key: closed.keys.display, from: ATTACKER })).status).toBe(200);

    // Another address is not held back.
    expect((await send(closed.url, '/api/v1/events', { ...batch('td_ingest_typo'), from: NEIGHBOUR })).status).toBe(401);
  });
});

describe('headers', () => {
  const common = (headers: Record<string, unknown>) => {
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['referrer-policy']).toBe('no-referrer');
    expect(headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(headers['x-powered-by']).toBeUndefined();
  };

  it('gives pages a policy that allows their own start-up script only, and no framing', async () => {
    for (const path of ['/', '/admin/maps', '/district/445']) {
      const page = await send(closed.url, path);
      expect(page.status).toBe(200);
      common(page.headers);
      const csp = String(page.headers['content-security-policy']);
      expect(csp).toMatch(/script-src 'self' 'nonce-[^']+'/);
      expect(csp).toMatch(/frame-ancestors 'none'/);
      expect(csp).toMatch(/object-src 'none'/);
      const nonce = /'nonce-([^']+)'/.exec(csp)![1];
      expect(page.text).toContain(`nonce="${nonce}"`);
    }
  });

  it('gives JSON answers a policy that allows nothing, and keyed answers no cache', async () => {
    const keyed = [
      '/api/v1/campaigns/ha-tinh/snapshot?scope=42',
      `/api/v1/campaigns/ha-tinh/series?unit=445`,
      '/api/v1/maps/42',
      '/api/v1/keys',
    ];
    for (const path of keyed) {
      const answer = await send(closed.url, path, { key: path.endsWith('keys') ? closed.keys.admin : closed.keys.display });
      expect(answer.status).toBe(200);
      common(answer.headers);
      expect(answer.headers['content-security-policy']).toMatch(/^default-src 'none';\s*frame-ancestors 'none'/);
      expect(answer.headers['cache-control']).toBe('private, no-store');
    }
    const refused = await send(closed.url, '/api/v1/campaigns/ha-tinh/snapshot?scope=42');
    expect(refused.status).toBe(401);
    common(refused.headers);
    const health = await send(closed.url, '/api/health');
    common(health.headers);
  });

  it.skipIf(!hasChromium)(`loads the wall and the maps page in Chromium with no policy violation (${CHROMIUM})`, async () => {
    const context = await launch();
    try {
      const violations: string[] = [];
      const watch = async (path: string) => {
        const page = await context.newPage();
        page.on('console', (m) => { if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(`${path}: ${m.text()}`); });
        await page.addInitScript(() => document.addEventListener('securitypolicyviolation', (e) => console.error(`Refused to load: ${e.violatedDirective} ${e.blockedURI}`)));
        await page.goto(`${closed.url}${path}`);
        return page;
      };
      const wall = await watch(`/?key=${closed.keys.display}`);
      await wall.locator('[data-testid=counter-value]').first().waitFor({ timeout: 15_000 });
      await expect.poll(() => wall.locator('svg path[data-code^="4"][role="button"]').count(), { timeout: 15_000 }).toBe(13);
      await wall.screenshot({ path: artifact('access-wall-closed-display.png') });
      const admin = await watch('/admin/maps');
      await admin.fill('input[type=password]', closed.keys.admin);
      await admin.click('button[type=submit]');
      await admin.locator('[data-testid=map-file]').waitFor({ timeout: 15_000 });
      await admin.screenshot({ path: artifact('access-admin-maps.png') });
      expect(violations).toEqual([]);
    } finally {
      await context.dispose();
    }
  });
});

describe('allowed origins', () => {
  const port = (server: ServerProcess) => new URL(server.url).port;

  it('by default takes the page of its own origin, and programs without one, but no other site', async () => {
    for (const transports of [['websocket'], ['polling']] as const) {
      const foreign = await connect(closed.url, { key: closed.keys.display, origin: 'http://evil.example', transports: [...transports] });
      expect(foreign.connected).toBe(false);
      const own = await connect(closed.url, { key: closed.keys.display, origin: `http://127.0.0.1:${port(closed)}`, transports: [...transports] });
      expect(own.connected).toBe(true);
      if (own.connected) own.socket.close();
    }
    const program = await connected(closed.url, { key: closed.keys.display });
    program.close();

    const preflight = await send(closed.url, '/api/v1/events', {
      method: 'OPTIONS', headers: { origin: 'http://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('with ALLOWED_ORIGINS takes exactly the origins it names, for the socket and for CORS', async () => {
    const named = await connect(open.url, { origin: 'http://wall.example.vn' });
    expect(named.connected).toBe(true);
    if (named.connected) named.socket.close();
    for (const origin of ['http://evil.example', `http://127.0.0.1:${port(open)}`, 'http://wall.example.vn.evil.example', 'null']) {
      expect((await connect(open.url, { origin })).connected).toBe(false);
    }
    const preflight = await send(open.url, '/api/v1/events', {
      method: 'OPTIONS', headers: { origin: 'http://wall.example.vn', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
    expect(preflight.headers['access-control-allow-origin']).toBe('http://wall.example.vn');
    expect(String(preflight.headers['access-control-allow-headers'])).toMatch(/Authorization/i);
    const read = await send(open.url, '/api/v1/campaigns/ha-tinh/snapshot?scope=42', { headers: { origin: 'http://wall.example.vn' } });
    expect(read.headers['access-control-allow-origin']).toBe('http://wall.example.vn');
    const foreign = await send(open.url, '/api/v1/campaigns/ha-tinh/snapshot?scope=42', { headers: { origin: 'http://evil.example' } });
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('a public display (PUBLIC_DISPLAY on)', () => {
  it('shows a key holder everything the public sees, and refuses an invalid key clearly', async () => {
    const { id, key } = await createKey(open, 'display', '445', 'Màn hình Thạch Hà');
    const path = '/api/v1/campaigns/ha-tinh/snapshot?scope=42';
    const everyone = await send(open.url, path);
    const holder = await send(open.url, path, { key });
    expect(everyone.status).toBe(200);
    expect(holder.status).toBe(200);
    expect((holder.json as { values: unknown[] }).values.length).toBe((everyone.json as { values: unknown[] }).values.length);

    const keyed = await connected(open.url, { key });
    expect((await subscribe(keyed, '42')).ok).toBe(true);
    const keyless = await connected(open.url);
    expect((await subscribe(keyless, '42')).ok).toBe(true);
    const ended = accessEnded(keyed);
    expect(await revokeKey(open, id)).toBe(200);
    expect(await ended).toMatchObject({ code: 'unauthorized', reason: 'io server disconnect' });
    expect(keyless.connected).toBe(true);
    keyless.close();

    for (const bad of [key, 'td_display_made_up']) {
      const answer = await send(open.url, path, { key: bad });
      expect(answer.status).toBe(401);
      expect(answer.json.message).toMatch(/^Authorization: unknown or revoked api key/);
      const socket = await connect(open.url, { key: bad });
      expect(socket.connected ? 'connected' : socket.data?.code).toBe('unauthorized');
    }
  });
});

const database = await freshPostgres();

describe.skipIf(!database)('revocation across instances on PostgreSQL (needs DATABASE_URL; .ci/run sets it)', () => {
  let a: ServerProcess;
  let b: ServerProcess;

  beforeAll(async () => {
    a = await startServer({ env: { DATABASE_URL: database!.url, PUBLIC_DISPLAY: 'false' } });
    b = await startServer({ env: { DATABASE_URL: database!.url, PUBLIC_DISPLAY: 'false' }, dataDir: a.dataDir });
  });

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    if (a) removeDir(a.dataDir);
    await database?.drop();
  });

  it('ends a socket on instance B within a second of a revocation on instance A', async () => {
    const { id, key } = await createKey(a, 'display', '42', 'Màn hình ở phòng B');
    const socket = await connected(b.url, { key });
    expect((await subscribe(socket, '42')).ok).toBe(true);
    expect((await send(b.url, '/api/v1/campaigns/ha-tinh/snapshot?scope=42', { key })).status).toBe(200);
    const ended = accessEnded(socket);
    const revokedAt = Date.now();
    expect(await revokeKey(a, id)).toBe(200);
    const ending = await ended;
    expect(ending).toMatchObject({ code: 'unauthorized', reason: 'io server disconnect' });
    expect(ending.at - revokedAt).toBeLessThan(1000);
    console.log(`revocation on A to disconnect on B: ${ending.at - revokedAt} ms`);
    await waitFor(async () => (await send(b.url, '/api/v1/campaigns/ha-tinh/snapshot?scope=42', { key })).status === 401, 1000, 'instance B to refuse the key');
  });
});
