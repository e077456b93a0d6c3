/**
 * Live delivery over real Socket.IO connections: coalescing, and a client that drops during a
 * stream of events, resumes from its sequence number and ends equal to the database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeMessage, Snapshot, UnitCatalog, UnitValues } from '@tiendo/shared';
import { event, get, postEvents } from '../helpers/api.js';
import { LiveClient, waitFor } from '../helpers/live-client.js';
import { removeDir, startServer, type ServerProcess } from '../helpers/server.js';

let server: ServerProcess;

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  await server?.stop();
  if (server) removeDir(server.dataDir);
});

const communes = ['18586', '18070', '18073', '18076', '18079', '18082'];

async function snapshot(scope = '42'): Promise<Snapshot> {
  return (await get<Snapshot>(server.url, `/api/v1/campaigns/ha-tinh/snapshot?scope=${scope}`)).body;
}

function valuesOf(values: Iterable<UnitValues>) {
  return Object.fromEntries([...values].map((v) => [v.code, Object.fromEntries(Object.entries(v.metrics).map(([k, m]) => [k, m.value]))]));
}

describe('live delivery', () => {
  it('a client that disconnects during a stream of events resumes and ends equal to the server', async () => {
    const client = new LiveClient(server.url, 'ha-tinh', '42');
    await client.ready();
    let sent = 0;
    const stream = (async () => {
      for (let i = 0; i < 60; i++) {
        const answer = await postEvents(server.url, server.keys.ingest, [
          event({ unit: communes[i % communes.length], delta: 1 + (i % 5) }),
          event({ unit: communes[(i + 3) % communes.length], metric: 'eid2_intake', delta: 2 }),
        ]);
        expect(answer.status).toBe(200);
        sent++;
        await new Promise((r) => setTimeout(r, 15));
      }
    })();
    await waitFor(() => sent >= 15, 5000, 'the stream to start');
    client.socket.io.engine.close(); // a network drop: socket.io reconnects by itself
    await waitFor(() => sent >= 30, 5000, 'more events while away');
    await stream;

    const expected = await snapshot();
    await waitFor(() => client.seq >= expected.seq, 3000, 'the client to catch up');
    expect(client.resumes).toBeGreaterThanOrEqual(1);
    expect(valuesOf(client.values.values())).toEqual(valuesOf(expected.values));
    client.close();
  });

  it('coalesces a burst into a few messages per room', async () => {
    const client = new LiveClient(server.url, 'ha-tinh', '445');
    await client.ready();
    const before = client.messages;
    await Promise.all(Array.from({ length: 40 }, (_, i) => postEvents(server.url, server.keys.ingest, [event({ unit: '18586', delta: 1 + (i % 3) })])));
    const expected = await snapshot('445');
    await waitFor(() => client.seq >= expected.seq, 3000, 'the burst to arrive');
    expect(client.messages - before).toBeLessThan(10);
    expect(valuesOf(client.values.values())).toEqual(valuesOf(expected.values));
    client.close();
  });

  it('gives a district scope only its own units', async () => {
    const client = new LiveClient(server.url, 'ha-tinh', '445');
    await client.ready();
    expect(client.values.has('445')).toBe(true);
    expect(client.values.has('18586')).toBe(true);
    expect(client.values.has('42')).toBe(false);
    expect(client.values.has('18070')).toBe(false);
    client.close();
  });
});

describe('units apart from values, subscriptions by depth', () => {
  it('serves the units of a subscription on their own URL, with their version as ETag: 304 while unchanged', async () => {
    const first = await fetch(`${server.url}/api/v1/campaigns/ha-tinh/units?scope=42&depth=1`);
    expect(first.status).toBe(200);
    const catalog = (await first.json()) as UnitCatalog;
    expect(catalog.units.map((u) => u.level)).toEqual(['province', ...Array(13).fill('district')]);
    expect(first.headers.get('etag')).toBe(`"${catalog.version}"`);
    const again = await fetch(`${server.url}/api/v1/campaigns/ha-tinh/units?scope=42&depth=1`, { headers: { 'if-none-match': first.headers.get('etag')! } });
    expect(again.status).toBe(304);
    const all = (await (await fetch(`${server.url}/api/v1/campaigns/ha-tinh/units?scope=42`)).json()) as UnitCatalog;
    expect(all.units).toHaveLength(230);
    expect(all.version).not.toBe(catalog.version);
    const wrong = await fetch(`${server.url}/api/v1/campaigns/ha-tinh/units?scope=42&depth=7`);
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as { message: string }).message).toMatch(/^depth: /);
  });

  it('a subscription to the districts of the province gets their values and changes only, with the records and the names of the communes they mention', async () => {
    const client = new LiveClient(server.url, 'ha-tinh', '42', { depth: 1 });
    await client.ready();
    expect(client.values.size).toBe(14);
    const units = (await (await fetch(`${server.url}/api/v1/campaigns/ha-tinh/units?scope=42&depth=1`)).json()) as UnitCatalog;
    expect(client.mirror.catalog).toBe(units.version);
    const records = new Promise<ChangeMessage>((resolve) => client.socket.on('changes', (m) => m.activity?.some((a) => a.unit === '18586') && resolve(m)));
    const before = client.value('445')!;
    await postEvents(server.url, server.keys.ingest, [event({ unit: '18586', delta: 3 })]);
    await waitFor(() => client.value('445') === before + 3, 10_000, 'the district to move');
    expect(client.values.has('18586')).toBe(false);
    const message = await records;
    expect(message.units?.map((u) => u.code)).toContain('18586');
    expect(message.units?.every((u) => u.level === 'commune')).toBe(true);
    client.close();
  });
});
