import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { createLogging, maskSecrets } from './logging.js';
import { recordAnswers } from './request-observer.js';

/** A real Express app with the request logger, its lines captured. */
async function serve(level: 'log' | 'debug', handler: express.RequestHandler) {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({ write: (chunk, _e, done) => { lines.push(...String(chunk).trim().split('\n').map((l) => JSON.parse(l))); done(); } });
  const logging = await createLogging({ logLevel: level, logFormat: 'json' }, sink);
  const app = express();
  app.use(recordAnswers, logging.requests, express.json(), handler);
  const server = app.listen(0, '127.0.0.1');
  await new Promise((done) => server.once('listening', done));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, lines, logging, close: () => new Promise((done) => server.close(done)) };
}

describe('request logs', () => {
  it('are JSON lines with the request id, a refusal at warn with its reason, and no secret anywhere', async () => {
    const app = await serve('log', (req, res) => {
      req.log.info({ authorization: 'Bearer td_ingest_SECRET1', handshake: { auth: { key: 'td_display_SECRET2' } }, user: { password: 'SECRET3' } }, 'inside the handler');
      res.status(403).json({ statusCode: 403, error: 'Forbidden', message: 'scope: this key may only display unit 436 and below, not 42' });
    });
    const answer = await fetch(`${app.url}/wall?kiosk=1&key=td_display_SECRET4&rotate=30`, {
      headers: { authorization: 'Bearer td_ingest_SECRET5', cookie: 'session=SECRET6', 'x-request-id': 'req-42' },
    });
    expect(answer.headers.get('x-request-id')).toBe('req-42');
    await app.close();

    const text = JSON.stringify(app.lines);
    expect(text).not.toMatch(/SECRET/);
    const [inside, completed] = app.lines;
    expect(inside).toMatchObject({ level: 'info', reqId: 'req-42', msg: 'inside the handler', authorization: '[redacted]' });
    expect(completed).toMatchObject({
      level: 'warn', reqId: 'req-42', reason: 'scope: this key may only display unit 436 and below, not 42',
      req: { method: 'GET', url: '/wall?kiosk=1&key=[redacted]&rotate=30' }, res: { statusCode: 403 },
    });
    expect(completed.msg).toBe(`GET /wall?kiosk=1&key=[redacted]&rotate=30 403 in ${completed.responseTime} ms: scope: this key may only display unit 436 and below, not 42`);
  });

  it('give every request its own id when the caller sends none (or an unusable one)', async () => {
    const app = await serve('log', (_req, res) => res.json({ ok: true }));
    const first = await fetch(`${app.url}/a`);
    const second = await fetch(`${app.url}/b`, { headers: { 'x-request-id': 'not an id; drop table' } });
    await app.close();
    const ids = app.lines.map((l) => l.reqId);
    expect(ids).toEqual([first.headers.get('x-request-id'), second.headers.get('x-request-id')]);
    expect(ids[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(ids[1]).toMatch(/^[0-9a-f-]{36}$/);
    expect(ids[0]).not.toBe(ids[1]);
  });

  it('put successful probes and scrapes at debug, and keep them when they fail', async () => {
    const app = await serve('log', (req, res) => (req.path === '/api/health/ready' ? res.status(500).json({ message: 'x' }) : res.json({ status: 'ok' })));
    for (const path of ['/api/health', '/api/health/live', '/metrics', '/api/health/ready', '/api/healthy', '/metrics-old']) await fetch(`${app.url}${path}`);
    await app.close();
    expect(app.lines.map((l) => [l.level, (l.req as { url: string }).url])).toEqual([['error', '/api/health/ready'], ['info', '/api/healthy'], ['info', '/metrics-old']]);
  });

  it('put 503 answers at debug: an outage is logged once, elsewhere', async () => {
    const app = await serve('log', (_req, res) => res.status(503).json({ statusCode: 503, error: 'ServiceUnavailable', message: 'the database is unreachable' }));
    await fetch(`${app.url}/api/v1/events`, { method: 'POST' });
    await app.close();
    expect(app.lines).toEqual([]);
  });
});

describe('maskSecrets', () => {
  it.each([
    ['/?kiosk=1&key=abc', '/?kiosk=1&key=[redacted]'],
    ['/?key=abc&x=1', '/?key=[redacted]&x=1'],
    ['/?token=abc#top', '/?token=[redacted]#top'],
    ['/?monkey=abc', '/?monkey=abc'],
    ['/api/v1/events', '/api/v1/events'],
  ])('%s → %s', (url, masked) => expect(maskSecrets(url)).toBe(masked));
});
