/**
 * Several server instances on one PostgreSQL: an event posted to one instance reaches a screen
 * connected to another, through the change log and LISTEN/NOTIFY.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Snapshot } from '@tiendo/shared';
import { event, get, postEvents } from '../helpers/api.js';
import { LiveClient, waitFor } from '../helpers/live-client.js';
import { freshPostgres, removeDir, startServer, type ServerProcess } from '../helpers/server.js';

const database = await freshPostgres();

describe.skipIf(!database)('two instances on PostgreSQL (needs DATABASE_URL; .ci/run sets it)', () => {
  let a: ServerProcess;
  let b: ServerProcess;

  beforeAll(async () => {
    a = await startServer({ env: { DATABASE_URL: database!.url } });
    // Same data directory: the second instance reads the demo keys the first one created.
    b = await startServer({ env: { DATABASE_URL: database!.url }, dataDir: a.dataDir });
  });

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    if (a) removeDir(a.dataDir);
    await database?.drop();
  });

  it('an event posted to instance A reaches a client of instance B within a second', async () => {
    const client = new LiveClient(b.url, 'ha-tinh', '42');
    await client.ready();
    const before = client.value('18586')!;
    const posted = Date.now();
    expect((await postEvents(a.url, a.keys.ingest, [event({ delta: 11 })])).status).toBe(200);
    await waitFor(() => client.value('18586') === before + 11, 1000, 'instance B to push the change');
    expect(Date.now() - posted).toBeLessThan(1000);
    client.close();
  });

  it('both instances end with the same values after concurrent posts to each', async () => {
    const units = ['18586', '18070', '18073'];
    await Promise.all(
      Array.from({ length: 30 }, (_, i) => postEvents(i % 2 ? a.url : b.url, a.keys.ingest, [event({ unit: units[i % 3], delta: 1 + (i % 4) })])),
    );
    const [sa, sb] = await Promise.all([a, b].map(async (s) => {
      const head = (await get<{ seq: number }>(s.url, '/api/health')).body.seq;
      return { s, head };
    }));
    const target = Math.max(sa.head, sb.head);
    const snapshots = await Promise.all([a, b].map((s) =>
      waitFor(async () => {
        const snap = (await get<Snapshot>(s.url, '/api/v1/campaigns/ha-tinh/snapshot?scope=42')).body;
        return snap.seq >= target ? snap : null;
      }, 3000, 'both instances to apply every change')));
    expect(snapshots[0].values).toEqual(snapshots[1].values);
  });

  it('a client resuming on another instance ends equal to it', async () => {
    const client = new LiveClient(a.url, 'ha-tinh', '42');
    await client.ready();
    client.close();
    for (let i = 0; i < 5; i++) await postEvents(a.url, a.keys.ingest, [event({ unit: '18586', delta: 2 })]);
    const moved = new LiveClient(b.url, 'ha-tinh', '42', { resumeFrom: client });
    await waitFor(() => moved.resumes > 0, 3000, 'the resume on instance B');
    const expected = (await get<Snapshot>(b.url, '/api/v1/campaigns/ha-tinh/snapshot?scope=42')).body;
    await waitFor(() => moved.seq >= expected.seq, 3000, 'the moved client to catch up');
    expect(moved.value('18586')).toBe(expected.values.find((v) => v.code === '18586')!.metrics.cccd_intake.value);
    moved.close();
  });
});
