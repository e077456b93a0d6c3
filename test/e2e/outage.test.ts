/**
 * The database goes away under a running server: requests get 503 quickly instead of hanging,
 * nothing is half-applied, and the server recovers by itself when the database is back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Snapshot } from '@tiendo/shared';
import { event, get, postEvents } from '../helpers/api.js';
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
});
