/**
 * The database goes away under a running server: requests get 503 quickly instead of hanging,
 * nothing is half-applied, and the server recovers by itself when the database is back. And a
 * database that is there but has every connection of the server busy is no outage: "busy, retry".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import type { Snapshot } from '@tiendo/shared';
import { event, get, post, postEvents } from '../helpers/api.js';
import { LiveClient, waitFor } from '../helpers/live-client.js';
import { freshPostgres, removeDir, startServer, type ServerProcess } from '../helpers/server.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';

const database = await freshPostgres();

describe.skipIf(!database)('a PostgreSQL outage (needs DATABASE_URL; the embedded database cannot go away)', () => {
  let server: ServerProcess;
  let proxy: TcpProxy;

  beforeAll(async () => {
    const url = new URL(database!.url);
    proxy = new TcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    url.port = String(await proxy.start());
    server = await startServer({ env: { DATABASE_URL: url.toString() } });
  });

  afterAll(async () => {
    await server?.stop();
    await proxy?.stop();
    if (server) removeDir(server.dataDir);
    await database?.drop();
  });

  it('answers 503 without hanging while the database is down, then recovers', async () => {
    const client = new LiveClient(server.url, 'ha-tinh', '42');
    await client.ready();
    const before = client.value('18586')!;

    await proxy.stop();
    const started = Date.now();
    const refused = await postEvents(server.url, server.keys.ingest, [event({ delta: 4 })]);
    expect(refused.status).toBe(503);
    expect(refused.body.message).toMatch(/database is unreachable/);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect((await get(server.url, '/api/health')).status).toBe(503);

    await proxy.start();
    const retried = await waitFor(async () => {
      const answer = await postEvents(server.url, server.keys.ingest, [event({ id: 'after-outage', delta: 4 })]);
      return answer.status === 200 ? answer : null;
    }, 20_000, 'the server to reach the database again', 500);
    expect(retried.body).toMatchObject({ accepted: 1 });
    await waitFor(() => client.value('18586') === before + 4, 5000, 'the change to reach the screen');
    const snapshot = (await get<Snapshot>(server.url, '/api/v1/campaigns/ha-tinh/snapshot?scope=18586')).body;
    expect(snapshot.values[0].metrics.cccd_intake.value).toBe(before + 4);
    client.close();
  });

  it('answers "busy, retry" while every database connection is in use, and applies what waited', async () => {
    // Holding the sequence lock from outside: each report then waits for it on a connection of its own.
    const holder = new pg.Client({ connectionString: database!.url });
    await holder.connect();
    await holder.query('begin');
    await holder.query('select seq from log_head where id = 1 for update');
    const communes = ['18070', '18073', '18076', '18077', '18079', '18082', '18085', '18088', '18091', '18094'];
    const waiting = communes.map((unit) => post(server.url, '/api/v1/reports', server.keys.ingest, {
      reports: [{ id: `busy-${unit}`, campaign: 'ha-tinh', metric: 'cccd_intake', unit, total: 100_000, asOf: new Date().toISOString(), confirmed: true }],
    }));
    await waitFor(async () => /tiendo_db_pool_connections\{state="used"\} 10\n/.test(await (await fetch(`${server.url}/metrics`)).text()), 10_000, 'the reports to take every connection', 100);

    const refused = event({ unit: '18097', delta: 2 });
    const answer = await fetch(`${server.url}/api/v1/events`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${server.keys.ingest}` }, body: JSON.stringify({ events: [refused] }),
    });
    expect(answer.status).toBe(503);
    expect(answer.headers.get('retry-after')).toBe('1');
    expect(((await answer.json()) as { message: string }).message).toMatch(/^the server is busy: every database connection is in use; nothing was applied, retry in 1 s$/);

    await holder.query('rollback');
    await holder.end();
    for (const report of await Promise.all(waiting)) expect(report).toMatchObject({ status: 200, body: { accepted: 1 } });
    expect(await postEvents(server.url, server.keys.ingest, [refused])).toMatchObject({ status: 200, body: { accepted: 1, duplicates: 0 } });
    expect(server.output()).not.toMatch(/Database unreachable since .*Timeout acquiring/);
  });
});
