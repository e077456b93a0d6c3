/**
 * The public ingestion contract, end to end against the real server on the embedded database:
 * idempotency, atomic batches, corrections, cumulative reports, key scopes, and a clear 4xx for
 * every bad input with nothing applied.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Snapshot } from '@tiendo/shared';
import { event, get, post, postEvents } from '../helpers/api.js';
import { LiveClient, waitFor } from '../helpers/live-client.js';
import { removeDir, startServer, type ServerProcess } from '../helpers/server.js';

let server: ServerProcess;

async function value(unit = '18586', metric = 'cccd_intake'): Promise<{ value: number; seq: number }> {
  const { body } = await get<Snapshot>(server.url, `/api/v1/campaigns/ha-tinh/snapshot?scope=${unit}`);
  return { value: body.values.find((v) => v.code === unit)!.metrics[metric].value, seq: body.seq };
}

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  await server?.stop();
  if (server) removeDir(server.dataDir);
});

describe('posting events', () => {
  it('changes the snapshot and reaches a connected socket client within a second; a repost changes nothing', async () => {
    const client = new LiveClient(server.url, 'ha-tinh', '42', { key: server.keys.display });
    await client.ready();
    const before = await value();
    const e = event({ delta: 7 });

    const posted = Date.now();
    const first = await postEvents(server.url, server.keys.ingest, [e]);
    expect(first).toMatchObject({ status: 200, body: { accepted: 1, duplicates: 0 } });
    await waitFor(() => client.value('18586') === before.value + 7, 1000, 'the socket client to see the event');
    expect(Date.now() - posted).toBeLessThan(1000);
    expect(client.value('445')).toBe((await get<Snapshot>(server.url, '/api/v1/campaigns/ha-tinh/snapshot?scope=445')).body.values[0].metrics.cccd_intake.value);

    const again = await postEvents(server.url, server.keys.ingest, [e]);
    expect(again).toMatchObject({ status: 200, body: { accepted: 0, duplicates: 1, seq: null } });
    expect((await value()).value).toBe(before.value + 7);
    client.close();
  });

  it('counts concurrent posts of the same events once', async () => {
    const before = await value('18070');
    const batch = Array.from({ length: 20 }, () => event({ unit: '18070', delta: 3 }));
    const answers = await Promise.all(Array.from({ length: 8 }, () => postEvents(server.url, server.keys.ingest, batch)));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(answers.reduce((n, a) => n + a.body.accepted, 0)).toBe(20);
    expect(answers.reduce((n, a) => n + a.body.duplicates, 0)).toBe(20 * 7);
    expect((await value('18070')).value).toBe(before.value + 60);
  });

  it('takes a correction with a reason', async () => {
    await postEvents(server.url, server.keys.ingest, [event({ unit: '18073', delta: 10 })]);
    const before = await value('18073');
    const answer = await postEvents(server.url, server.keys.ingest, [event({ unit: '18073', delta: -4, reason: 'Trùng hồ sơ đã nhập hôm qua' })]);
    expect(answer).toMatchObject({ status: 200, body: { accepted: 1 } });
    expect((await value('18073')).value).toBe(before.value - 4);
  });

  it('refuses a correction that would take a commune below zero, applying nothing of the batch', async () => {
    const before = await value('18076');
    const answer = await postEvents(server.url, server.keys.ingest, [
      event({ unit: '18073', delta: 5 }),
      event({ unit: '18076', delta: -(before.value + 1), reason: 'Nhập sai' }),
    ]);
    expect(answer.status).toBe(422);
    expect(answer.body.message).toMatch(/below zero.*nothing of the batch was applied/);
    expect((await value('18076')).value).toBe(before.value);
  });
});

describe('cumulative reports', () => {
  it('turns a total into the difference, counts a retry once, and needs a reason to go down', async () => {
    const unit = '18079';
    const start = (await value(unit)).value;
    const asOf = new Date().toISOString();
    const report = (id: string, total: number, reason?: string) =>
      post(server.url, '/api/v1/reports', server.keys.ingest, {
        reports: [{ id, campaign: 'ha-tinh', metric: 'cccd_intake', unit, total, asOf, ...(reason ? { reason } : {}) }],
      });

    expect(await report(`r1-${start}`, start + 40)).toMatchObject({ status: 200, body: { accepted: 1, unchanged: 0, duplicates: 0 } });
    expect((await value(unit)).value).toBe(start + 40);
    expect(await report(`r1-${start}`, start + 40)).toMatchObject({ status: 200, body: { accepted: 0, duplicates: 1 } });
    expect(await report(`r2-${start}`, start + 40)).toMatchObject({ status: 200, body: { accepted: 0, unchanged: 1 } });

    const lower = await report(`r3-${start}`, start + 30);
    expect(lower.status).toBe(422);
    expect(lower.body.message).toMatch(/reports\[0\]\.total: .* needs a reason/);
    expect((await value(unit)).value).toBe(start + 40);
    expect(await report(`r4-${start}`, start + 30, 'Rà soát trùng')).toMatchObject({ status: 200, body: { accepted: 1 } });
    expect((await value(unit)).value).toBe(start + 30);
  });
});

describe('keys and scopes', () => {
  it('lets a commune key post only for its own commune', async () => {
    const created = await post<{ key: string }>(server.url, '/api/v1/keys', server.keys.admin, { name: 'Xã Thạch Kênh', role: 'ingest', scope: '18586' });
    expect(created.status).toBe(201);
    const communeKey = created.body.key;
    expect((await postEvents(server.url, communeKey, [event({ unit: '18586' })])).status).toBe(200);

    const before = await value('18070');
    const other = await postEvents(server.url, communeKey, [event({ unit: '18586' }), event({ unit: '18070' })]);
    expect(other.status).toBe(403);
    expect(other.body.message).toMatch(/events\[1\]\.unit: this key may only report for unit 18586/);
    expect((await value('18070')).value).toBe(before.value);
  });

  it('stops accepting a revoked key at once', async () => {
    const created = await post<{ id: number; key: string }>(server.url, '/api/v1/keys', server.keys.admin, { name: 'Điện thoại mất', role: 'ingest', scope: '18586' });
    expect((await postEvents(server.url, created.body.key, [event()])).status).toBe(200);
    const revoke = (id: number | string, key = server.keys.admin) =>
      fetch(`${server.url}/api/v1/keys/${id}`, { method: 'DELETE', headers: { authorization: `Bearer ${key}` } });

    const revoked = await revoke(created.body.id);
    expect(revoked.status).toBe(200);
    expect(await revoked.json()).toMatchObject({ id: created.body.id, revokedAt: expect.any(String) });
    const refused = await postEvents(server.url, created.body.key, [event()]);
    expect(refused.status).toBe(401);
    expect(refused.body.message).toMatch(/unknown or revoked api key/);
    expect((await revoke(created.body.id)).status).toBe(200);
    expect((await revoke(999_999)).status).toBe(404);
    expect((await revoke(created.body.id, server.keys.ingest)).status).toBe(403);
  });

  it('keeps display keys from posting and ingest keys from creating keys', async () => {
    expect((await postEvents(server.url, server.keys.display, [event()])).status).toBe(403);
    expect((await post(server.url, '/api/v1/keys', server.keys.ingest, { name: 'x', role: 'admin', scope: '42' })).status).toBe(403);
  });
});

describe('bad input: a clear 4xx naming the problem, and nothing applied', () => {
  const cases: [string, () => Promise<{ status: number; body: { message?: string } }>, number, RegExp][] = [
    ['malformed JSON', () => post(server.url, '/api/v1/events', server.keys.ingest, '{"events": [', true), 400, /body: malformed JSON/],
    ['not an object', () => post(server.url, '/api/v1/events', server.keys.ingest, '[1, 2]', true), 400, /body: .*expected object/],
    ['no events field', () => post(server.url, '/api/v1/events', server.keys.ingest, {}), 400, /events: /],
    ['an unknown field', () => post(server.url, '/api/v1/events', server.keys.ingest, { events: [{ ...event(), dleta: 3 }] }), 400, /events\[0\]: .*dleta/],
    ['a string delta', () => post(server.url, '/api/v1/events', server.keys.ingest, { events: [{ ...event(), delta: '5' }] }), 400, /events\[0\]\.delta: /],
    ['a fractional delta', () => postEvents(server.url, server.keys.ingest, [event({ delta: 1.5 })]), 400, /events\[0\]\.delta: must be an integer/],
    ['a zero delta', () => postEvents(server.url, server.keys.ingest, [event({ delta: 0 })]), 400, /events\[0\]\.delta: must not be 0/],
    ['a delta above the bound', () => postEvents(server.url, server.keys.ingest, [event({ delta: 100_001 })]), 400, /events\[0\]\.delta: must be between/],
    ['a negative delta without reason', () => postEvents(server.url, server.keys.ingest, [event({ delta: -2 })]), 400, /events\[0\]\.reason: is required for a correction/],
    ['a time without zone', () => postEvents(server.url, server.keys.ingest, [event({ occurredAt: '2026-01-01 10:00' })]), 400, /events\[0\]\.occurredAt: must be an ISO 8601/],
    ['an empty id', () => postEvents(server.url, server.keys.ingest, [event({ id: '' })]), 400, /events\[0\]\.id: must not be empty/],
    ['an empty batch', () => postEvents(server.url, server.keys.ingest, []), 400, /events: must hold at least one event/],
    ['a batch over the limit', () => postEvents(server.url, server.keys.ingest, Array.from({ length: 1001 }, () => event())), 400, /events: must hold at most 1000 events/],
    ['a body over 1 MB', () => post(server.url, '/api/v1/events', server.keys.ingest, JSON.stringify({ events: [event({ source: 'x'.repeat(1_100_000) })] }), true), 413, /body: larger than the limit of 1 MB/],
    ['an unknown campaign', () => postEvents(server.url, server.keys.ingest, [event(), event({ campaign: 'nope' })]), 422, /events\[1\]\.campaign: unknown campaign "nope"/],
    ['an unknown metric', () => postEvents(server.url, server.keys.ingest, [event({ metric: 'cccd' })]), 422, /events\[0\]\.metric: campaign "ha-tinh" has no metric "cccd"/],
    ['an unknown unit', () => postEvents(server.url, server.keys.ingest, [event({ unit: '99999' })]), 422, /events\[0\]\.unit: "99999" is not a unit/],
    ['a district instead of a commune', () => postEvents(server.url, server.keys.ingest, [event({ unit: '445' })]), 422, /events\[0\]\.unit: "445" .* is a district/],
    ['a unit of another province', () => postEvents(server.url, server.keys.ingest, [event({ unit: '00001' })]), 422, /events\[0\]\.unit: "00001" is not a unit/],
    ['a time in the future', () => postEvents(server.url, server.keys.ingest, [event({ occurredAt: new Date(Date.now() + 86_400_000).toISOString() })]), 422, /occurredAt: .* is in the future/],
    ['a time before the campaign', () => postEvents(server.url, server.keys.ingest, [event({ occurredAt: '2020-01-01T00:00:00+07:00' })]), 422, /occurredAt: .* before the campaign started/],
    ['no key', () => postEvents(server.url, null, [event()]), 401, /Authorization: expected "Bearer <api key>"/],
    ['a wrong key', () => postEvents(server.url, 'td_ingest_wrong', [event()]), 401, /Authorization: unknown or revoked api key/],
  ];

  it.each(cases)('%s', async (_name, send, status, message) => {
    const before = await value();
    const answer = await send();
    expect(answer.status).toBe(status);
    expect(answer.body.message).toMatch(message);
    const after = await value();
    expect(after).toEqual(before);
  });
});
