/**
 * The write path and the live state together on a real database: sequence numbers in commit
 * order under concurrency, idempotency, atomic refusal, and a live tree equal to the counters.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LiveRepository } from '../repositories/live.repository.js';
import { testCampaign, type TestCampaign } from '../testing/campaign.js';

let t: TestCampaign;
let n = 0;
const ev = (unit: string, delta: number, extra: Record<string, unknown> = {}) => ({
  id: `int-${n++}`, campaign: 'ha-tinh', metric: 'cccd_intake', unit, delta, occurredAt: new Date().toISOString(), ...extra,
});

beforeAll(async () => {
  t = await testCampaign();
});
afterAll(() => t?.close());

async function dbValue(unit: string): Promise<number> {
  const [row] = await t.db.em().execute<{ value: string }[]>(
    `select coalesce(sum(value), 0) as value from counter where campaign_id = 'ha-tinh' and metric = 'cccd_intake' and unit_code = ?`, [unit]);
  return Number(row.value);
}

describe('ingestion on a real database', () => {
  it('hands out sequence numbers in commit order under concurrent batches', async () => {
    const units = ['18586', '18070', '18073', '18076'];
    const results = await Promise.all(
      Array.from({ length: 24 }, (_, i) => t.ingest.ingestEvents({ events: [ev(units[i % 4], 1 + (i % 3)), ev(units[(i + 1) % 4], 2)] }, t.principal)),
    );
    expect(results.every((r) => r.accepted === 2)).toBe(true);
    // Batches written together share a number; the numbers themselves leave no gap.
    const seqs = [...new Set(results.map((r) => r.seq!))].sort((a, b) => a - b);
    expect(seqs.at(-1)! - seqs[0]).toBe(seqs.length - 1);

    await t.live.catchUp();
    const tree = t.live.tree('ha-tinh')!;
    for (const unit of units) expect(tree.values([unit])[0].metrics.cccd_intake.value).toBe(await dbValue(unit));
    const [province] = await t.db.em().execute<{ value: string }[]>(
      `select sum(value) as value from counter where campaign_id = 'ha-tinh' and metric = 'cccd_intake'`);
    expect(tree.values(['42'])[0].metrics.cccd_intake.value).toBe(Number(province.value));
  });

  it('counts an event posted concurrently many times once', async () => {
    const before = await dbValue('18082');
    const same = ev('18082', 9);
    const results = await Promise.all(Array.from({ length: 10 }, () => t.ingest.ingestEvents({ events: [same] }, t.principal)));
    expect(results.map((r) => r.accepted).reduce((a, b) => a + b)).toBe(1);
    expect(await dbValue('18082')).toBe(before + 9);
  });

  it('applies nothing of a batch that would take a commune below zero', async () => {
    const before = await Promise.all(['18085', '18088'].map(dbValue));
    await expect(t.ingest.ingestEvents({ events: [ev('18085', 4), ev('18088', -(before[1] + 1), { reason: 'sai' })] }, t.principal)).rejects.toThrow(/below zero/);
    expect(await Promise.all(['18085', '18088'].map(dbValue))).toEqual(before);
  });

  it('refuses a batch written in a group for its own fault only, and applies the others', async () => {
    const first = ev('18100', 3);
    await t.ingest.ingestEvents({ events: [first] }, t.principal);
    const before = await dbValue('18100');
    // More batches at once than transactions written at once: the later ones share a transaction.
    const outcomes = await Promise.allSettled(Array.from({ length: 12 }, (_, i) =>
      t.ingest.ingestEvents({ events: i === 9 ? [ev('18100', 1), { ...first, delta: 4 }] : [ev('18100', 1)] }, t.principal)));
    expect(outcomes.map((o) => (o.status === 'rejected' ? String(o.reason) : 'applied'))).toEqual(
      Array.from({ length: 12 }, (_, i) => (i === 9 ? expect.stringMatching(/events\[1\]\.id: ".+" is already the id of a record/) : 'applied')));
    expect(await dbValue('18100')).toBe(before + 11);
  });

  it('lets one of two corrections through when together they would take a commune below zero', async () => {
    await t.ingest.ingestEvents({ events: [ev('18103', 10)] }, t.principal);
    const value = await dbValue('18103');
    const outcomes = await Promise.allSettled([1, 2].map(() =>
      t.ingest.ingestEvents({ events: [ev('18103', -(value - 1), { reason: 'nhập trùng', confirmed: true })] }, t.principal)));
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(String(outcomes.find((o) => o.status === 'rejected')!.reason)).toMatch(/below zero/);
    expect(await dbValue('18103')).toBe(1);
  });

  it('turns cumulative reports into differences with the commune\'s counter locked', async () => {
    const before = await dbValue('18091');
    const now = Date.now();
    const report = { id: 'rep-a', campaign: 'ha-tinh', metric: 'cccd_intake', unit: '18091', total: before + 100, asOf: new Date(now).toISOString() };
    const results = await Promise.all([
      t.ingest.ingestReports({ reports: [report] }, t.principal),
      t.ingest.ingestEvents({ events: [ev('18091', 5, { occurredAt: new Date(now - 1000).toISOString() })] }, t.principal),
    ]);
    expect(results[0]).toMatchObject({ duplicates: 0 });
    const after = await dbValue('18091');
    // The record happened before the report's instant: seen by the report when it came first,
    // added on top when it came after.
    expect([before + 100, before + 105]).toContain(after);
    expect(await t.ingest.ingestReports({ reports: [report] }, t.principal)).toMatchObject({ accepted: 0, duplicates: 1 });
  });
});

describe('what is stored with a record', () => {
  it('keeps the sender scope, the origin and the confirmation of each record', async () => {
    const big = ev('18097', 90_000, { confirmed: true });
    await t.ingest.ingestEvents({ events: [big, ev('18097', 1)] }, t.principal);
    await t.ingest.ingestReports({ reports: [{ id: 'stored-r', campaign: 'ha-tinh', metric: 'cccd_intake', unit: '18097', total: 90_010, asOf: new Date().toISOString() }] }, t.principal);
    const rows = await t.db.em().execute<{ id: string; origin: string; sender_scope: string; confirmed: boolean; delta: number }[]>(
      `select id, origin, sender_scope, confirmed, delta from event where campaign_id = 'ha-tinh' and unit_code = '18097' order by received_at, id`);
    expect(rows).toEqual([
      { id: big.id, origin: 'event', sender_scope: '42', confirmed: true, delta: 90_000 },
      expect.objectContaining({ origin: 'event', sender_scope: '42', confirmed: false, delta: 1 }),
      { id: 'stored-r', origin: 'report', sender_scope: '42', confirmed: false, delta: 9 },
    ]);
  });
});

describe('the change log', () => {
  it('loses rows a day after this instance read them, and goes on following the rest', async () => {
    const count = async () => Number((await t.db.em().execute<{ n: string }[]>('select count(*) as n from change'))[0].n);
    await t.ingest.ingestEvents({ events: [ev('18094', 2)] }, t.principal);
    await t.live.catchUp();
    const start = Date.now();
    await t.live.pruneChangeLog(start);
    const before = await count();
    expect(before).toBeGreaterThan(0);

    await t.ingest.ingestEvents({ events: [ev('18094', 3)] }, t.principal);
    await t.live.catchUp();
    await t.live.pruneChangeLog(start + 3_600_000);
    expect(await count()).toBe(before + 1);

    await t.live.pruneChangeLog(start + 86_400_000);
    expect(await count()).toBe(1);
    await t.ingest.ingestEvents({ events: [ev('18094', 4)] }, t.principal);
    await t.live.catchUp();
    expect(t.live.tree('ha-tinh')!.values(['18094'])[0].metrics.cccd_intake.value).toBe(await dbValue('18094'));
  });

  it('is read once for each commit it is told of, not once more to find nothing after it', async () => {
    await t.live.catchUp();
    const reads = vi.spyOn(LiveRepository.prototype, 'changesAfter');
    try {
      const started = Date.now();
      const posts = 20;
      for (let i = 0; i < posts; i++) {
        const { seq } = await t.ingest.ingestEvents({ events: [ev('18097', 1)] }, t.principal);
        // Told by its own notification, not asked: the reader is left to do what it does alone.
        while (t.live.seq < seq!) await new Promise((resolve) => setTimeout(resolve, 5));
      }
      expect(t.live.tree('ha-tinh')!.values(['18097'])[0].metrics.cccd_intake.value).toBe(await dbValue('18097'));
      // One read per commit, and one for each tick of the reader's safety poll (every 2 s).
      expect(reads.mock.calls.length).toBeGreaterThanOrEqual(posts);
      expect(reads.mock.calls.length).toBeLessThanOrEqual(posts + Math.ceil((Date.now() - started) / 2000) + 1);
    } finally {
      reads.mockRestore();
    }
  });
});
