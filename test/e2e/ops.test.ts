/**
 * The server as an operator sees it, on real processes: Prometheus metrics that move with the
 * traffic, the OpenAPI document and page, JSON logs with request ids and no secret, liveness
 * and readiness, one log line at each end of a database outage, HTTPS, and a SIGTERM that
 * loses no count while another instance takes over.
 */
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IngestEvent, Snapshot, SubscribeReply } from '@tiendo/shared';
import { event, get, post, postEvents } from '../helpers/api.js';
import { Balancer } from '../helpers/balancer.js';
import { LiveClient, waitFor } from '../helpers/live-client.js';
import { Session } from '../helpers/production.js';
import { freshPostgres, removeDir, ROOT, startServer, type ServerProcess } from '../helpers/server.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';
import { testCertificate, type TestCertificate } from '../helpers/tls.js';

/** Prometheus' text format, read into series: name, labels, value. */
type Series = { name: string; labels: Record<string, string>; value: number }[];

async function scrape(url: string, headers: Record<string, string> = {}): Promise<Series> {
  const response = await fetch(`${url}/metrics`, { headers });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
  return parseMetrics(await response.text());
}

function parseMetrics(text: string): Series {
  return text.split('\n').filter((l) => l && !l.startsWith('#')).map((line) => {
    const match = /^(\w+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not a metric line: ${line}`);
    const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map(([, k, v]) => [k, v]));
    return { name: match[1], labels, value: Number(match[3]) };
  });
}

/** The value of one series (0 when absent: a counter not yet bumped). */
function metric(series: Series, name: string, labels: Record<string, string> = {}): number {
  const found = series.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  return found?.value ?? 0;
}

/** The JSON lines of a process's output, from `from` on. */
function logLines(output: string, from = 0): Record<string, unknown>[] {
  return output.slice(from).split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('one instance: metrics, OpenAPI, logs, health, and a SIGTERM', () => {
  let server: ServerProcess;

  beforeAll(async () => {
    server = await startServer({ env: { LOG_FORMAT: 'json', LOG_LEVEL: 'debug', SHUTDOWN_DELAY_MS: '1500' } });
  });

  afterAll(async () => {
    await server?.stop();
    if (server) removeDir(server.dataDir);
  });

  it('counts ingests, refusals, sockets and messages in /metrics', async () => {
    const before = await scrape(server.url);
    const client = new LiveClient(server.url, 'ha-tinh', '42', { key: server.keys.display });
    await client.ready();
    const start = client.value('18586')!;

    const first = [event({ delta: 2 }), event({ delta: 3 }), event({ unit: '18070', delta: 1 })];
    expect((await postEvents(server.url, server.keys.ingest, first)).body).toMatchObject({ accepted: 3, duplicates: 0 });
    expect((await postEvents(server.url, server.keys.ingest, [event({ delta: 4 })])).body).toMatchObject({ accepted: 1 });
    expect((await postEvents(server.url, server.keys.ingest, first)).body).toMatchObject({ accepted: 0, duplicates: 3 });
    expect((await postEvents(server.url, server.keys.ingest, [event(), event({ delta: 0 })])).status).toBe(400);
    expect((await post(server.url, '/api/v1/events', server.keys.ingest, '{"events": [', true)).status).toBe(400);
    expect((await postEvents(server.url, 'td_ingest_unknown', [event()])).status).toBe(401);
    await waitFor(() => client.value('18586') === start + 9, 5000, 'the changes to reach the screen');

    const after = await scrape(server.url);
    const moved = (name: string, labels: Record<string, string> = {}) => metric(after, name, labels) - metric(before, name, labels);
    expect(moved('tiendo_ingest_records_total', { kind: 'events', result: 'accepted' })).toBe(4);
    expect(moved('tiendo_ingest_records_total', { kind: 'events', result: 'duplicate' })).toBe(3);
    expect(moved('tiendo_ingest_batch_size_count', { kind: 'events' })).toBe(3);
    expect(moved('tiendo_ingest_batch_size_sum', { kind: 'events' })).toBe(7);
    expect(moved('tiendo_ingest_duration_seconds_count', { kind: 'events', outcome: 'accepted' })).toBe(3);
    expect(moved('tiendo_ingest_duration_seconds_count', { kind: 'events', outcome: 'refused' })).toBe(3);
    expect(moved('tiendo_ingest_refused_batches_total', { kind: 'events', status: '400', field: 'events[].delta' })).toBe(1);
    expect(moved('tiendo_ingest_refused_records_total', { kind: 'events', status: '400', field: 'events[].delta' })).toBe(2);
    expect(moved('tiendo_ingest_refused_batches_total', { kind: 'events', status: '400', field: 'body' })).toBe(1);
    expect(moved('tiendo_ingest_refused_batches_total', { kind: 'events', status: '401', field: 'Authorization' })).toBe(1);
    expect(moved('tiendo_http_requests_total', { method: 'POST', route: '/api/v1/events', status: '200' })).toBe(3);
    expect(moved('tiendo_socket_messages_sent_total', { event: 'changes' })).toBeGreaterThanOrEqual(1);
    expect(metric(after, 'tiendo_sockets')).toBe(1);
    expect(metric(after, 'tiendo_socket_rooms')).toBeGreaterThanOrEqual(1);
    expect(metric(after, 'tiendo_socket_connections_total')).toBeGreaterThanOrEqual(1);

    // The change log: this instance has applied everything committed, moments ago.
    const head = metric(after, 'tiendo_changelog_head_seq');
    expect(head).toBeGreaterThanOrEqual(2);
    expect(metric(after, 'tiendo_changelog_applied_seq')).toBe(head);
    expect(metric(after, 'tiendo_changelog_lag')).toBe(0);
    expect(metric(after, 'tiendo_changelog_read_age_seconds')).toBeLessThan(5);
    expect(metric(after, 'tiendo_changelog_applied_age_seconds')).toBeLessThan(10);
    // The pool, the event loop and the process.
    expect(metric(after, 'tiendo_db_pool_max')).toBeGreaterThanOrEqual(1);
    expect(after.some((s) => s.name === 'tiendo_db_pool_connections' && s.labels.state === 'used')).toBe(true);
    expect(after.some((s) => s.name === 'nodejs_eventloop_lag_seconds')).toBe(true);
    expect(metric(after, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(metric(after, 'tiendo_database_up')).toBe(1);
    expect(metric(after, 'tiendo_ready')).toBe(1);
    // Every series the shipped Grafana dashboard charts is served.
    const dashboard = readFileSync(join(ROOT, 'server/ops/grafana-dashboard.json'), 'utf8');
    const charted = new Set([...dashboard.matchAll(/\b((?:tiendo|nodejs|process)_\w+)/g)].map(([, name]) => name));
    expect(charted.size).toBeGreaterThan(20);
    for (const name of charted) expect(after.some((s) => s.name === name), name).toBe(true);
    // No unit code, id or key in any label: the scrape says how busy, not what.
    for (const series of after) for (const value of Object.values(series.labels)) expect(value).not.toMatch(/18586|e2e-|td_/);
    client.close();
  });

  it('counts an officer\'s batch held for a chief as accepted, its records as held', async () => {
    const { officer } = JSON.parse(readFileSync(join(server.dataDir, 'demo-people.json'), 'utf8')) as Record<string, { login: string; password: string }>;
    const session = new Session(server.url);
    expect((await session.signIn(officer.login, officer.password)).status).toBe(200);
    const before = await scrape(server.url);
    expect((await session.request('POST', '/api/v1/events', { events: [event({ delta: 90_000 }), event({ delta: 1 })] })).status).toBe(202);
    const after = await scrape(server.url);
    const moved = (name: string, labels: Record<string, string> = {}) => metric(after, name, labels) - metric(before, name, labels);
    expect(moved('tiendo_ingest_records_total', { kind: 'events', result: 'held' })).toBe(1);
    expect(moved('tiendo_ingest_records_total', { kind: 'events', result: 'accepted' })).toBe(1);
    expect(moved('tiendo_ingest_duration_seconds_count', { kind: 'events', outcome: 'accepted' })).toBe(1);
    expect(moved('tiendo_http_requests_total', { method: 'POST', route: '/api/v1/events', status: '202' })).toBe(1);
  });

  it('serves /metrics to this machine only, not through a reverse proxy', async () => {
    expect((await fetch(`${server.url}/metrics`)).status).toBe(200);
    for (const headers of [{ 'x-forwarded-for': '203.0.113.9' }, { forwarded: 'for=203.0.113.9' }] as Record<string, string>[]) {
      const proxied = await fetch(`${server.url}/metrics`, { headers });
      expect(proxied.status).toBe(403);
      expect(((await proxied.json()) as { message: string }).message).toMatch(/this machine only/);
    }
  });

  it('publishes an OpenAPI document of every route it serves, and its page', async () => {
    // The framework lists every route it maps (at debug level): the document must hold each.
    const mapped = [...server.output().matchAll(/Mapped \{([^,]+), (\w+)\} route/g)].map(([, path, method]) => `${method} ${path.replace(/:(\w+)/g, '{$1}')}`);
    expect(mapped.length).toBeGreaterThanOrEqual(15);
    const answer = await fetch(`${server.url}/api/openapi.json`);
    expect(answer.status).toBe(200);
    const document = (await answer.json()) as {
      openapi: string; info: { title: string; version: string };
      paths: Record<string, Record<string, { summary: string; responses: Record<string, { content?: Record<string, { schema: { $ref?: string } }> }>; requestBody?: unknown }>>;
      components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
    };
    expect(document.openapi).toMatch(/^3\.0\./);
    expect(document.info).toMatchObject({ title: 'tiendo', version: expect.stringMatching(/^\d+\.\d+\.\d+$/) });
    const documented = Object.entries(document.paths).flatMap(([path, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`));
    expect(documented.sort()).toEqual([...new Set(mapped)].sort());
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, op] of Object.entries(item)) {
        expect(op.summary, `${method} ${path}`).not.toBe('undocumented');
        expect(Object.keys(op.responses).some((s) => /^2\d\d$/.test(s)), `${method} ${path}`).toBe(true);
        for (const [status, response] of Object.entries(op.responses)) {
          if (Number(status) >= 400) expect(response.content?.['application/json'].schema.$ref, `${method} ${path} ${status}`).toBe('#/components/schemas/Error');
        }
      }
    }
    expect(Object.keys(document.paths['/api/v1/events'].post.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '403', '413', '422', '503']));
    expect(document.paths['/api/v1/events'].post.requestBody).toBeDefined();
    expect(Object.keys(document.components.securitySchemes)).toEqual(['key', 'session', 'metricsToken']);
    for (const [, name] of JSON.stringify(document).matchAll(/"#\/components\/schemas\/(\w+)"/g)) expect(document.components.schemas[name], name).toBeDefined();

    const page = await fetch(`${server.url}/api/docs`);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<title>tiendo API<\/title>[\s\S]*swagger-ui-bundle\.js/);
    expect((await fetch(`${server.url}/api/docs/swagger-ui-init.js`)).status).toBe(200);
  });

  it('logs JSON lines with the request id, refusals at warn with their reason, and never a key', async () => {
    const from = server.output().length;
    const keys = Object.values(server.keys);
    await fetch(`${server.url}/api/v1/campaigns/ha-tinh/snapshot?scope=436`, { headers: { authorization: `Bearer ${server.keys.display}`, 'x-request-id': 'ops-test-1' } });
    await fetch(`${server.url}/?kiosk=1&rotate=30&key=${server.keys.display}`);
    const forbidden = await fetch(`${server.url}/api/v1/keys`, {
      method: 'POST', headers: { authorization: `Bearer ${server.keys.ingest}`, 'content-type': 'application/json' }, body: '{"name":"x","role":"admin","scope":"42"}',
    });
    expect(forbidden.status).toBe(403);
    const refusal = ((await forbidden.json()) as { message: string }).message;
    expect((await post(server.url, '/api/v1/events', server.keys.ingest, '{"events": [', true)).status).toBe(400);
    const socket = io(server.url, { transports: ['websocket'], auth: { key: server.keys.admin } });
    const reply: SubscribeReply = await socket.timeout(10_000).emitWithAck('subscribe', { campaign: 'ha-tinh', scope: '42' });
    expect(reply.ok).toBe(true);
    socket.close();
    await sleep(300);

    // Only the demo's banner (indented, and printing the demo's keys on purpose) is not JSON.
    const output = server.output();
    for (const line of output.split('\n')) if (!line.startsWith('{')) expect(line).toMatch(/^( {2}.*)?$/);
    const lines = logLines(output);
    expect(lines.length).toBeGreaterThan(20);
    for (const line of lines) {
      expect(line).toMatchObject({ level: expect.stringMatching(/^(debug|info|warn|error)$/), time: expect.any(String), msg: expect.any(String) });
      if (line.req) expect(line.reqId, JSON.stringify(line)).toEqual(expect.any(String));
      for (const key of keys) expect(JSON.stringify(line)).not.toContain(key);
    }
    const recent = logLines(output, from);
    expect(recent.find((l) => l.reqId === 'ops-test-1' && l.res)).toMatchObject({ level: 'info', req: { method: 'GET', url: '/api/v1/campaigns/ha-tinh/snapshot?scope=436' }, res: { statusCode: 200 } });
    expect(recent.find((l) => (l.req as { url: string } | undefined)?.url.startsWith('/?kiosk'))).toMatchObject({ req: { url: '/?kiosk=1&rotate=30&key=[redacted]' } });
    expect(recent.find((l) => (l.res as { statusCode: number } | undefined)?.statusCode === 403)).toMatchObject({
      level: 'warn', reason: refusal, req: { method: 'POST', url: '/api/v1/keys' },
    });
    // Refused by the body parser, before any route: logged all the same.
    expect(recent.find((l) => (l.reason as string | undefined)?.startsWith('body: malformed JSON'))).toMatchObject({ level: 'warn', res: { statusCode: 400 } });
  });

  it('tells liveness from readiness, and keeps GET /api/health', async () => {
    expect(await get(server.url, '/api/health/live')).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(await get(server.url, '/api/health/ready')).toMatchObject({ status: 200, body: { status: 'ready', database: 'embedded' } });
    expect(await get(server.url, '/api/health')).toMatchObject({ status: 200, body: { status: 'ok', database: 'embedded', seq: expect.any(Number) } });
  });

  it('on SIGTERM turns unready at once, keeps serving for SHUTDOWN_DELAY_MS, then exits 0', async () => {
    const stopped = server.stop();
    const signalled = Date.now();
    const ready = await waitFor(async () => {
      const answer = await get<{ message: string }>(server.url, '/api/health/ready');
      return answer.status === 503 ? answer : null;
    }, 1000, 'readiness to fail', 10);
    expect(ready!.body.message).toBe('not ready: shutting down');
    console.log(`readiness answered 503 ${Date.now() - signalled} ms after SIGTERM`);
    expect((await get(server.url, '/api/health/live')).status).toBe(200);
    expect((await postEvents(server.url, server.keys.ingest, [event({ delta: 1 })])).status).toBe(200);
    expect(metric(await scrape(server.url), 'tiendo_ready')).toBe(0);
    await stopped;
    expect(server.exitCode()).toBe(0);
    const drained = logLines(server.output()).find((l) => l.context === 'Shutdown' && String(l.msg).startsWith('Drained'));
    expect(drained?.msg).toMatch(/requests in flight answered/);
  });
});

describe('HTTPS from TLS_CERT and TLS_KEY', () => {
  let server: ServerProcess;
  let ca: string;
  let certificate: TestCertificate;
  const metricsToken = 'scrape-token-0123456789';

  beforeAll(async () => {
    certificate = testCertificate();
    ca = certificate.ca;
    server = await startServer({ env: { TLS_CERT: certificate.certFile, TLS_KEY: certificate.keyFile, METRICS_TOKEN: metricsToken, LOG_FORMAT: 'json' } });
  });

  afterAll(async () => {
    await server?.stop();
    if (server) removeDir(server.dataDir);
    if (certificate) removeDir(certificate.dir);
  });

  it('answers over https with the CA trusted, refuses an untrusted client check, and speaks no plain http', async () => {
    expect(server.url).toMatch(/^https:\/\/localhost:\d+$/);
    const ready = await httpsRequest(`${server.url}/api/health/ready`, { ca });
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.body)).toMatchObject({ status: 'ready' });
    const posted = await httpsRequest(`${server.url}/api/v1/events`, {
      ca, method: 'POST', headers: { authorization: `Bearer ${server.keys.ingest}`, 'content-type': 'application/json' },
      body: JSON.stringify({ events: [event({ delta: 6 })] }),
    });
    expect(posted.status).toBe(200);
    expect(JSON.parse(posted.body)).toMatchObject({ accepted: 1 });
    await expect(httpsRequest(`${server.url}/api/health/live`, {})).rejects.toThrow(/self.signed|unable to (get|verify)/i);
    const port = new URL(server.url).port;
    await expect(fetch(`http://127.0.0.1:${port}/api/health/live`).then((r) => r.status)).rejects.toThrow();
  });

  it('carries the live socket over TLS', async () => {
    const socket = io(server.url, { transports: ['websocket'], ca });
    try {
      const reply: SubscribeReply = await socket.timeout(10_000).emitWithAck('subscribe', { campaign: 'ha-tinh', scope: '436' });
      expect(reply).toMatchObject({ ok: true, kind: 'snapshot', scope: '436' });
    } finally {
      socket.close();
    }
  });

  it('serves /metrics to the bearer of METRICS_TOKEN only, from anywhere', async () => {
    expect((await httpsRequest(`${server.url}/metrics`, { ca })).status).toBe(401);
    expect((await httpsRequest(`${server.url}/metrics`, { ca, headers: { authorization: 'Bearer scrape-token-wrong-000' } })).status).toBe(401);
    const scraped = await httpsRequest(`${server.url}/metrics`, { ca, headers: { authorization: `Bearer ${metricsToken}`, 'x-forwarded-for': '203.0.113.9' } });
    expect(scraped.status).toBe(200);
    expect(metric(parseMetrics(scraped.body), 'tiendo_ready')).toBe(1);
    for (const line of logLines(server.output())) expect(JSON.stringify(line)).not.toContain(metricsToken);
  });
});

const outageDatabase = await freshPostgres();

describe.skipIf(!outageDatabase)('a PostgreSQL outage in the log (needs DATABASE_URL)', () => {
  let server: ServerProcess;
  let proxy: TcpProxy;

  beforeAll(async () => {
    const url = new URL(outageDatabase!.url);
    proxy = new TcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    url.port = String(await proxy.start());
    server = await startServer({ env: { DATABASE_URL: url.toString(), LOG_FORMAT: 'json', LOG_LEVEL: 'warn' } });
  });

  afterAll(async () => {
    await server?.stop();
    await proxy?.stop();
    if (server) removeDir(server.dataDir);
    await outageDatabase?.drop();
  });

  it('logs one line when it starts and one when it ends; readiness fails meanwhile, liveness holds', async () => {
    const from = server.output().length;
    await proxy.stop();
    const started = Date.now();
    // Traffic during the outage, as clients and probes would send it, for about six seconds.
    const statuses: number[] = [];
    let posts = 0;
    const traffic = async () => {
      while (Date.now() - started < 6000) {
        const answers = await Promise.all([
          postEvents(server.url, server.keys.ingest, [event({ delta: 1 })]),
          get(server.url, '/api/health'),
          get(server.url, '/api/health/ready'),
        ]);
        posts++;
        statuses.push(...answers.map((a) => a.status));
      }
    };
    await Promise.all([traffic(), traffic()]);
    expect(statuses.every((s) => s === 503)).toBe(true);
    expect((await get(server.url, '/api/health/live')).status).toBe(200);
    expect(metric(await scrape(server.url), 'tiendo_database_up')).toBe(0);

    await proxy.start();
    await waitFor(async () => (await get(server.url, '/api/health/ready')).status === 200, 20_000, 'readiness to come back', 250);
    await waitFor(() => logLines(server.output(), from).some((l) => l.outage === 'end'), 5000, 'the end of the outage in the log');
    const elapsed = (Date.now() - started) / 1000;

    const lines = logLines(server.output(), from);
    const starts = lines.filter((l) => l.outage === 'start');
    const ends = lines.filter((l) => l.outage === 'end');
    expect(starts).toHaveLength(1);
    expect(starts[0]).toMatchObject({ level: 'error', context: 'Database', msg: expect.stringMatching(/^Database unreachable since /) });
    expect(ends).toHaveLength(1);
    expect(ends[0]).toMatchObject({ level: 'warn', context: 'Database', since: starts[0].since, msg: expect.stringMatching(/^Database reachable again after [\d.]+ s of outage/) });
    expect(ends[0].durationSeconds).toBeGreaterThan(5);
    expect(ends[0].durationSeconds).toBeLessThan(elapsed + 1);
    expect(ends[0].refused).toBeGreaterThanOrEqual(posts);
    // Nothing else at warn or above, and no stack trace: 870 lines for 15 s are now two.
    expect(lines.filter((l) => l.outage === undefined)).toEqual([]);
    expect(server.output().slice(from)).not.toMatch(/\n\s+at /);
    expect(metric(await scrape(server.url), 'tiendo_database_outages_total')).toBe(1);
  });
});

const scaleDatabase = await freshPostgres();

describe.skipIf(!scaleDatabase)('SIGTERM on one of two instances behind a balancer (needs DATABASE_URL)', () => {
  let a: ServerProcess;
  let b: ServerProcess;
  let balancer: Balancer;
  let front: string;

  beforeAll(async () => {
    a = await startServer({ env: { DATABASE_URL: scaleDatabase!.url, LOG_FORMAT: 'json', LOG_LEVEL: 'log', SHUTDOWN_DELAY_MS: '1000' } });
    b = await startServer({ env: { DATABASE_URL: scaleDatabase!.url }, dataDir: a.dataDir });
    balancer = new Balancer([Number(new URL(a.url).port), Number(new URL(b.url).port)]);
    front = await balancer.start();
  });

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await balancer?.stop();
    if (a) removeDir(a.dataDir);
    await scaleDatabase?.drop();
  });

  it('loses no count, doubles none, and moves its screens to the other instance', async () => {
    const units = ['18586', '18070', '18073'];
    const valuesOn = async (url: string) => {
      const snap = (await get<Snapshot>(url, '/api/v1/campaigns/ha-tinh/snapshot?scope=42')).body;
      return { seq: snap.seq, values: new Map(snap.values.map((v) => [v.code, v.metrics.cccd_intake.value])) };
    };
    const before = await valuesOn(b.url);

    const screens = [0, 1, 2].map(() => new LiveClient(front, 'ha-tinh', '42'));
    await Promise.all(screens.map((s) => s.ready()));
    expect(metric(await scrape(a.url), 'tiendo_sockets')).toBe(3);

    // Three senders post batches through the balancer without pause; a batch whose answer is
    // lost (connection closed) or refused with 503 is sent again as it was, with the same ids.
    const posted = new Map(units.map((u) => [u, 0]));
    let stop = false;
    let batches = 0;
    let resent = 0;
    let duplicates = 0;
    let lastSeq = 0;
    const send = async (batch: IngestEvent[]) => {
      const deadline = Date.now() + 30_000;
      for (;;) {
        try {
          const answer = await postEvents(front, a.keys.ingest, batch);
          if (answer.status === 200) {
            duplicates += answer.body.duplicates;
            lastSeq = Math.max(lastSeq, answer.body.seq ?? 0);
            return;
          }
          expect(answer.status).toBe(503);
        } catch (error) {
          if (!(error instanceof TypeError)) throw error; // fetch's network failure
        }
        if (Date.now() > deadline) throw new Error('a batch found no instance for 30 s');
        resent++;
        await sleep(20);
      }
    };
    const sender = async (n: number) => {
      for (let i = 0; !stop; i++) {
        const batch = units.map((unit, j) => event({ id: `drain-${n}-${i}-${j}`, unit, delta: 1 + ((n + i + j) % 5) }));
        await send(batch);
        for (const e of batch) posted.set(e.unit, posted.get(e.unit)! + e.delta);
        batches++;
      }
    };
    const senders = [0, 1, 2].map(sender);
    await waitFor(() => batches >= 30, 20_000, 'traffic to instance A');

    const stopping = a.stop();
    const ready = await waitFor(async () => {
      const answer = await get<{ message: string }>(a.url, '/api/health/ready');
      return answer.status === 503 ? answer : null;
    }, 1000, 'readiness to fail on A', 10);
    expect(ready!.body.message).toBe('not ready: shutting down');
    expect((await get(a.url, '/api/health/live')).status).toBe(200);
    await stopping;
    expect(a.exitCode()).toBe(0);
    const atExit = batches;
    await waitFor(() => batches >= atExit + 30, 20_000, 'traffic to continue on instance B');
    stop = true;
    await Promise.all(senders);

    const after = (await waitFor(async () => {
      const now = await valuesOn(b.url);
      return now.seq >= lastSeq ? now : null;
    }, 10_000, 'instance B to apply every batch'))!;
    for (const unit of units) expect(after.values.get(unit)! - before.values.get(unit)!, unit).toBe(posted.get(unit));

    const drained = logLines(a.output()).find((l) => l.context === 'Shutdown' && String(l.msg).startsWith('Drained'));
    expect(drained?.msg).toMatch(/3 sockets moved, \d+ requests in flight answered/);
    // The screens reconnected through the balancer to B and resumed from their sequence number.
    for (const screen of screens) {
      await waitFor(() => screen.resumes >= 1 && screen.seq >= after.seq, 10_000, 'a screen to resume on instance B');
      expect(screen.snapshots).toBe(1);
      for (const unit of units) expect(screen.value(unit)).toBe(after.values.get(unit));
      screen.close();
    }
    expect(balancer.connections.get(Number(new URL(b.url).port))).toBeGreaterThanOrEqual(4);
    console.log(`drain: ${batches} batches (${atExit} before A exited), ${resent} sent again, ${duplicates} events answered as duplicates; A: ${drained!.msg}`);
  });
});

function httpsRequest(url: string, options: { ca?: string; method?: string; headers?: Record<string, string>; body?: string }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = https.request(url, { method: options.method ?? 'GET', headers: options.headers, ca: options.ca, agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode!, body }));
    });
    request.on('error', reject);
    request.end(options.body);
  });
}
