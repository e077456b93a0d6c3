/**
 * The counting rules a leadership wall must be able to trust, end to end against the real
 * server: a record's id belongs to its sender, a changed retry is a conflict, completion
 * follows the corrected values in time order, late reports and late records land on their own
 * day, implausible amounts wait for confirmation, and a screen never merges two databases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, localDate, type HistoryResponse, type MetricValue, type SeriesResponse, type Snapshot } from '@tiendo/shared';
import { event, get, post, postEvents } from '../helpers/api.js';
import { LiveClient, waitFor } from '../helpers/live-client.js';
import { removeDir, startServer, type ServerProcess } from '../helpers/server.js';

const TZ = 'Asia/Ho_Chi_Minh';
let server: ServerProcess;
let run = 0;

/** Ids unique to this run and test, as a sender would make them. */
const id = (name: string) => `trust-${process.pid}-${run}-${name}`;

async function cell(unit: string, metric = 'cccd_intake'): Promise<MetricValue> {
  const { body } = await get<Snapshot>(server.url, `/api/v1/campaigns/ha-tinh/snapshot?scope=${unit}`, server.keys.display);
  return body.values.find((v) => v.code === unit)!.metrics[metric];
}

async function communeKey(unit: string): Promise<string> {
  const created = await post<{ key: string }>(server.url, '/api/v1/keys', server.keys.admin, { name: `Xã ${unit}`, role: 'ingest', scope: unit });
  expect(created.status).toBe(201);
  return created.body.key;
}

function report(unit: string, reportId: string, total: number, asOf: string, extra: Record<string, unknown> = {}) {
  return post<{ accepted: number; unchanged: number; duplicates: number; message?: string }>(server.url, '/api/v1/reports', server.keys.ingest, {
    reports: [{ id: reportId, campaign: 'ha-tinh', metric: 'cccd_intake', unit, total, asOf, ...extra }],
  });
}

/** An instant `hours` before now. */
const ago = (hours: number) => new Date(Date.now() - hours * 3_600_000).toISOString();

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  await server?.stop();
  if (server) removeDir(server.dataDir);
});

describe('record identity', () => {
  it('keeps one commune from taking the id another commune will use', async () => {
    run++;
    const [thachKenh, thachSon] = [await communeKey('18586'), await communeKey('18589')];
    const victimId = id('xa-18586-0017');
    const before = [(await cell('18586')).value, (await cell('18589')).value];

    // Thạch Sơn posts, for itself, the id Thạch Kênh is about to use.
    const squat = await postEvents(server.url, thachSon, [event({ id: victimId, unit: '18589', delta: 1 })]);
    expect(squat).toMatchObject({ status: 200, body: { accepted: 1, duplicates: 0 } });
    const own = await postEvents(server.url, thachKenh, [event({ id: victimId, unit: '18586', delta: 12 })]);
    expect(own).toMatchObject({ status: 200, body: { accepted: 1, duplicates: 0 } });

    expect((await cell('18586')).value).toBe(before[0] + 12);
    expect((await cell('18589')).value).toBe(before[1] + 1);
  });

  it('answers an identical retry as a duplicate and the same id with other content as 409, naming the stored record', async () => {
    run++;
    const original = event({ id: id('r1'), unit: '18586', delta: 12, occurredAt: ago(1) });
    expect(await postEvents(server.url, server.keys.ingest, [original])).toMatchObject({ status: 200, body: { accepted: 1 } });
    const before = await cell('18586');
    const bystander = (await cell('18592')).value;

    expect(await postEvents(server.url, server.keys.ingest, [original])).toMatchObject({ status: 200, body: { accepted: 0, duplicates: 1 } });
    // The same instant written in another zone is the same record.
    const sameInstant = { ...original, occurredAt: new Date(Date.parse(original.occurredAt)).toISOString().replace('Z', '+00:00') };
    expect(await postEvents(server.url, server.keys.ingest, [sameInstant])).toMatchObject({ status: 200, body: { duplicates: 1 } });

    const variants = [
      { ...original, delta: 13 },
      { ...original, unit: '18589' },
      { ...original, metric: 'eid2_intake' },
      { ...original, occurredAt: ago(2) },
    ];
    for (const changed of variants) {
      const answer = await postEvents(server.url, server.keys.ingest, [event({ unit: '18592' }), changed]);
      expect(answer.status).toBe(409);
      expect(answer.body.message).toMatch(new RegExp(`events\\[1\\]\\.id: "${original.id}" is already the id of a record received .*delta 12`));
      expect(answer.body.message).toMatch(/nothing of the batch was applied/);
    }
    expect(await cell('18586')).toEqual(before);
    expect((await cell('18592')).value).toBe(bystander);
  });

  it('counts twins of one batch once, and refuses two different records under one id', async () => {
    run++;
    const before = [(await cell('18595')).value, (await cell('18601')).value];
    const twin = event({ id: id('twin'), unit: '18595', delta: 3 });
    expect(await postEvents(server.url, server.keys.ingest, [twin, twin])).toMatchObject({ status: 200, body: { accepted: 1, duplicates: 1 } });

    const other = event({ unit: '18601', delta: 2 });
    const clash = await postEvents(server.url, server.keys.ingest, [other, event({ id: id('pair'), unit: '18595' }), event({ id: id('pair'), unit: '18595', delta: 5 })]);
    expect(clash.status).toBe(409);
    expect(clash.body.message).toMatch(/events\[2\]\.id: ".*pair" is also the id of events\[1\] in this batch/);
    expect([(await cell('18595')).value, (await cell('18601')).value]).toEqual([before[0] + 3, before[1]]);
  });

  it('keeps report ids apart from event ids, and refuses a report id sent again with another total', async () => {
    run++;
    const unit = '18604';
    const start = (await cell(unit)).value;
    const asOf = ago(0.5);
    // An event posted first under the id a report's difference used to be stored with.
    expect(await postEvents(server.url, server.keys.ingest, [event({ id: `report:${id('close')}`, unit, delta: 2, occurredAt: ago(1) })]))
      .toMatchObject({ status: 200, body: { accepted: 1 } });
    expect(await postEvents(server.url, server.keys.ingest, [event({ id: id('close'), unit, delta: 1, occurredAt: ago(1) })]))
      .toMatchObject({ status: 200, body: { accepted: 1 } });
    expect(await report(unit, id('close'), start + 40, asOf)).toMatchObject({ status: 200, body: { accepted: 1, duplicates: 0 } });
    expect((await cell(unit)).value).toBe(start + 40);

    expect(await report(unit, id('close'), start + 40, asOf)).toMatchObject({ status: 200, body: { accepted: 0, duplicates: 1 } });
    const changed = await report(unit, id('close'), start + 41, asOf);
    expect(changed.status).toBe(409);
    expect(changed.body.message).toMatch(/reports\[0\]\.id: ".*close" is already the id of a report received .*total \d+ as of/);
    const moved = await report(unit, id('close'), start + 40, ago(0.25));
    expect(moved.status).toBe(409);
    expect((await cell(unit)).value).toBe(start + 40);
  });
});

describe('completion follows the corrected values', () => {
  it('withdraws a commune and its district when a correction takes them below target, and gives it back at the later instant', async () => {
    run++;
    const district = '437';
    const communes = ['18115', '18118', '18121', '18124', '18127', '18130'];
    const client = new LiveClient(server.url, 'ha-tinh', '42', { key: server.keys.display });
    await client.ready();

    // Every commune of TX Hồng Lĩnh reaches its target by totals reported an hour ago.
    const targets = await Promise.all(communes.map(async (c) => (await cell(c)).target));
    const reached = ago(1);
    const totals = await post(server.url, '/api/v1/reports', server.keys.ingest, {
      reports: communes.map((c, i) => ({ id: id(`full-${c}`), campaign: 'ha-tinh', metric: 'cccd_intake', unit: c, total: targets[i], asOf: reached, confirmed: true })),
    });
    expect(totals.status).toBe(200);
    await waitFor(async () => (await cell(district)).completedAt !== null, 3000, 'the district to complete');
    expect((await cell(district)).completedAt).toBe(Date.parse(reached));
    expect((await cell('18115')).completedAt).toBe(Date.parse(reached));

    // A mistaken record and its correction, both with the reason and the confirmation they need.
    const mistake = await postEvents(server.url, server.keys.ingest, [event({ id: id('typo'), unit: '18115', delta: 99_999, occurredAt: ago(0.5), confirmed: true })]);
    expect(mistake.status).toBe(200);
    const correction = await postEvents(server.url, server.keys.ingest, [
      event({ id: id('typo-back'), unit: '18115', delta: -99_999, occurredAt: ago(0.4), reason: 'Nhập nhầm số', confirmed: true }),
      event({ id: id('recount'), unit: '18115', delta: -5, occurredAt: ago(0.4), reason: 'Hồ sơ trùng' }),
    ]);
    expect(correction.status).toBe(200);

    await waitFor(async () => (await cell('18115')).completedAt === null, 3000, 'the commune to lose its completion');
    expect((await cell(district)).completedAt).toBeNull();
    expect((await cell(district)).value).toBe((await cell(district)).target - 5);
    await waitFor(() => client.values.get(district)?.metrics.cccd_intake.completedAt === null, 3000, 'the screen to withdraw the district');
    expect(client.values.get('18115')?.metrics.cccd_intake.completedAt).toBeNull();

    // The five come in later: complete again, since then and not since the first time.
    const back = ago(0.1);
    expect(await postEvents(server.url, server.keys.ingest, [event({ id: id('back'), unit: '18115', delta: 5, occurredAt: back })])).toMatchObject({ status: 200 });
    await waitFor(async () => (await cell(district)).completedAt === Date.parse(back), 3000, 'the district to complete again at the later instant');
    expect((await cell('18115')).completedAt).toBe(Date.parse(back));
    await waitFor(() => client.values.get(district)?.metrics.cccd_intake.completedAt === Date.parse(back), 3000, 'the screen to see it');
    client.close();
  });

  it('moves the completion instant, and so the finish order, when a late record arrives', async () => {
    run++;
    const [first, second] = ['18607', '18619'];
    const [t1, t2] = [(await cell(first)).target, (await cell(second)).target];
    // The second commune stands 10 short; the first completes with a record at 10 minutes ago.
    expect(await report(second, id('near-2'), t2 - 10, ago(3), { confirmed: true })).toMatchObject({ status: 200 });
    expect(await report(first, id('near-1'), t1 - 1, ago(3), { confirmed: true })).toMatchObject({ status: 200 });
    const firstAt = ago(10 / 60);
    expect(await postEvents(server.url, server.keys.ingest, [event({ id: id('first-done'), unit: first, delta: 1, occurredAt: firstAt })])).toMatchObject({ status: 200 });
    await waitFor(async () => (await cell(first)).completedAt === Date.parse(firstAt), 3000, 'the first commune to complete');

    // The second commune's mobile team worked two hours ago and reports only now.
    const lateAt = ago(2);
    await postEvents(server.url, server.keys.ingest, [
      event({ id: id('late-1'), unit: second, delta: 4, occurredAt: ago(2.5) }),
      event({ id: id('late-2'), unit: second, delta: 6, occurredAt: lateAt }),
    ]);
    await waitFor(async () => (await cell(second)).completedAt === Date.parse(lateAt), 3000, 'the late record to set the instant it happened');
    expect((await cell(second)).completedAt!).toBeLessThan((await cell(first)).completedAt!);

    // A late correction after that instant, and the record that made up for it: the unit has
    // stood at its target only since it rose over it again.
    const refilled = ago(1);
    await postEvents(server.url, server.keys.ingest, [
      event({ id: id('late-fix'), unit: second, delta: -1, occurredAt: ago(1.5), reason: 'Hồ sơ trùng' }),
      event({ id: id('late-fill'), unit: second, delta: 1, occurredAt: refilled }),
    ]);
    await waitFor(async () => (await cell(second)).completedAt === Date.parse(refilled), 3000, 'the instant to move to the refill');
    expect((await cell(second)).completedAt!).toBeLessThan((await cell(first)).completedAt!);
  });
});

describe('time order', () => {
  it('judges a late cumulative report against the value at its own instant, on its own day', async () => {
    run++;
    const unit = '18622';
    const today = localDate(Date.now(), TZ);
    const yesterday = addDays(today, -1);
    const start = (await cell(unit)).value;
    const closeYesterday = `${yesterday}T17:00:00+07:00`;
    expect(await report(unit, id('close-1'), start + 5788, closeYesterday, { confirmed: true })).toMatchObject({ status: 200, body: { accepted: 1 } });
    await postEvents(server.url, server.keys.ingest, [event({ id: id('today'), unit, delta: 44, occurredAt: ago(0) })]);
    const todayBefore = (await cell(unit)).today;

    // This morning the commune reports yesterday's real closing total, 10 more than it sent.
    const late = await report(unit, id('close-2'), start + 5798, `${yesterday}T20:00:00+07:00`);
    expect(late).toMatchObject({ status: 200, body: { accepted: 1 } });
    const now = await cell(unit);
    expect(now.value).toBe(start + 5798 + 44);
    expect(now.today).toBe(todayBefore);

    const history = await get<HistoryResponse>(server.url, `/api/v1/campaigns/ha-tinh/history?scope=${unit}&date=${yesterday}`, server.keys.display);
    expect(history.body.values[0].metrics.cccd_intake.value).toBe(start + 5798);
    const series = await get<SeriesResponse>(server.url, `/api/v1/campaigns/ha-tinh/series?unit=${unit}`, server.keys.display);
    expect(series.body.metrics.cccd_intake.find((p) => p.date === yesterday)!.value).toBe(start + 5798);
    expect(series.body.metrics.cccd_intake.find((p) => p.date === today)!.value).toBe(start + 5798 + 44);

    // A lower total for last night is a correction of that night: it needs a reason, and today keeps its 44.
    const lower = await report(unit, id('close-3'), start + 5754, `${yesterday}T21:00:00+07:00`);
    expect(lower.status).toBe(422);
    expect(lower.body.message).toMatch(/reports\[0\]\.total: .* below the value .* as of .* needs a reason/);
    expect(await report(unit, id('close-4'), start + 5754, `${yesterday}T21:00:00+07:00`, { reason: 'Rà soát hồ sơ trùng' }))
      .toMatchObject({ status: 200, body: { accepted: 1 } });
    expect((await cell(unit)).value).toBe(start + 5754 + 44);
    expect((await cell(unit)).today).toBe(todayBefore);
    const corrected = await get<HistoryResponse>(server.url, `/api/v1/campaigns/ha-tinh/history?scope=${unit}&date=${yesterday}`, server.keys.display);
    expect(corrected.body.values[0].metrics.cccd_intake.value).toBe(start + 5754);
  });

  it('puts a late record on its own day: that day, the pace window and history move, today does not', async () => {
    run++;
    const unit = '18625';
    const yesterday = addDays(localDate(Date.now(), TZ), -1);
    const before = await cell(unit);
    const historyBefore = await get<HistoryResponse>(server.url, `/api/v1/campaigns/ha-tinh/history?scope=445&date=${yesterday}`, server.keys.display);
    await postEvents(server.url, server.keys.ingest, [event({ id: id('yesterday'), unit, delta: 30, occurredAt: `${yesterday}T15:00:00+07:00` })]);
    const after = await cell(unit);
    expect(after).toMatchObject({ value: before.value + 30, today: before.today, last7: before.last7 + 30 });
    const historyAfter = await get<HistoryResponse>(server.url, `/api/v1/campaigns/ha-tinh/history?scope=445&date=${yesterday}`, server.keys.display);
    const district = (h: typeof historyAfter) => h.body.values.find((v) => v.code === '445')!.metrics.cccd_intake;
    expect(district(historyAfter).value).toBe(district(historyBefore).value + 30);
    expect(district(historyAfter).today).toBe(district(historyBefore).today + 30);
  });
});

describe('plausibility', () => {
  it('refuses an amount far beyond a commune, takes it confirmed, and leaves real over-achievement possible', async () => {
    run++;
    const unit = '18628';
    const { target, value } = await cell(unit);
    const typo = await postEvents(server.url, server.keys.ingest, [event({ unit: '18631', delta: 2 }), event({ id: id('typo'), unit, delta: 99_999 })]);
    expect(typo.status).toBe(422);
    expect(typo.body.message).toMatch(new RegExp(`events\\[1\\]\\.delta: \\+99999 for cccd_intake of unit ${unit} is implausible: more than 25% of its target ${target}`));
    expect(typo.body.message).toMatch(/"confirmed": true/);
    expect((await cell(unit)).value).toBe(value);

    // Many small records of one batch add up as one.
    const big = Math.max(target, 1000);
    const many = Array.from({ length: 10 }, (_, i) => event({ id: id(`many-${i}`), unit, delta: Math.ceil(big / 10) }));
    const manyAnswer = await postEvents(server.url, server.keys.ingest, many);
    expect(manyAnswer.status).toBe(422);
    expect(manyAnswer.body.message).toMatch(/events\[0\]\.delta: .* is implausible/);

    // A total report that jumps is judged by its difference.
    const jump = await report(unit, id('jump'), value + big, ago(0.5));
    expect(jump.status).toBe(422);
    expect(jump.body.message).toMatch(/reports\[0\]\.total: .* is implausible/);

    expect(await postEvents(server.url, server.keys.ingest, [event({ id: id('typo'), unit, delta: 99_999, confirmed: true })]))
      .toMatchObject({ status: 200, body: { accepted: 1 } });
    expect((await cell(unit)).value).toBe(value + 99_999);

    // Past the target in ordinary steps: 109% stays possible.
    const other = '18634';
    const t = (await cell(other)).target;
    await report(other, id('full'), t, ago(1), { confirmed: true });
    const steps = Array.from({ length: 6 }, (_, i) => event({ id: id(`over-${i}`), unit: other, delta: Math.round(t * 0.015) }));
    expect(await postEvents(server.url, server.keys.ingest, steps)).toMatchObject({ status: 200, body: { accepted: 6 } });
    expect((await cell(other)).value / t).toBeGreaterThan(1.08);
  });
});

describe('epochs', () => {
  it('gives a screen that comes from another database a fresh snapshot, never a merge', async () => {
    const other = await startServer();
    try {
      const screen = new LiveClient(server.url, 'ha-tinh', '42', { key: server.keys.display });
      await screen.ready();
      screen.close();
      // The other database has a longer log than the one the screen followed.
      for (let i = 0; i < screen.seq + 3; i++) {
        expect((await postEvents(other.url, other.keys.ingest, [event({ unit: '18586', delta: 1 })])).status).toBe(200);
      }
      const { body: truth } = await get<Snapshot>(other.url, '/api/v1/campaigns/ha-tinh/snapshot?scope=42', other.keys.display);
      expect(truth.seq).toBeGreaterThan(screen.seq);
      expect(truth.epoch).not.toBe(screen.epoch);

      const resumed = new LiveClient(other.url, 'ha-tinh', '42', { key: other.keys.display, resumeFrom: screen });
      await waitFor(() => resumed.snapshots === 1, 3000, 'a fresh snapshot');
      expect(resumed.resumes).toBe(0);
      expect(resumed.epoch).toBe(truth.epoch);
      for (const code of ['42', '445', '437', '18586', '18115']) {
        expect(resumed.values.get(code)?.metrics).toEqual(truth.values.find((v) => v.code === code)!.metrics);
      }
      resumed.close();
    } finally {
      await other.stop();
      removeDir(other.dataDir);
    }
  });
});
