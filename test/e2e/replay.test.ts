/**
 * The replay simulation reports the 2023 campaign through the public API and must end exactly
 * at the article's figures: CCCD 1,130,342 of 1,130,342 on 10 May 2023, 10 days before the
 * commitment and 80 before the ministry's deadline; eID intake 938,863 and activation 870,888.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDate, type DerivedFigures, type Snapshot } from '@tiendo/shared';
import { get } from '../helpers/api.js';
import { waitFor } from '../helpers/live-client.js';
import { removeDir, startServer, type ServerProcess } from '../helpers/server.js';

type WithFigures = Snapshot & { derived: Record<string, Record<string, DerivedFigures>> };

let server: ServerProcess;

beforeAll(async () => {
  server = await startServer({ env: { SIMULATION: 'replay', REPLAY_DAYS_PER_MINUTE: '100000' } });
});

afterAll(async () => {
  await server?.stop();
  if (server) removeDir(server.dataDir);
});

describe('replay of the 2023 campaign', () => {
  it('ends at the article figures', async () => {
    const snapshot = await waitFor(async () => {
      const s = (await get<WithFigures>(server.url, '/api/v1/campaigns/ha-tinh/snapshot?scope=42')).body;
      return s.values[0].metrics.eid2_activation.value === 870_888 ? s : null;
    }, 100_000, 'the replay to finish', 500);
    const province = snapshot.values.find((v) => v.code === '42')!.metrics;

    expect(province.cccd_intake).toMatchObject({ value: 1_130_342, target: 1_130_342 });
    expect(localDate(province.cccd_intake.completedAt!, 'Asia/Ho_Chi_Minh')).toBe('2023-05-10');
    expect(snapshot.derived['42'].cccd_intake.milestones.map((m) => [m.name, m.daysAhead])).toEqual([
      ['Cam kết của Giám đốc', 10],
      ['Mốc Bộ giao', 80],
    ]);
    expect(province.eid2_intake).toMatchObject({ value: 938_863, target: 859_268 });
    expect(province.eid2_activation).toMatchObject({ value: 870_888, target: 859_268 });

    const districts = snapshot.units.filter((u) => u.level === 'district');
    const communes = snapshot.units.filter((u) => u.level === 'commune');
    const done = (code: string) => snapshot.values.find((v) => v.code === code)!.metrics.cccd_intake.completedAt !== null;
    expect([districts.length, districts.filter((d) => done(d.code)).length]).toEqual([13, 13]);
    expect([communes.length, communes.filter((c) => done(c.code)).length]).toEqual([216, 216]);

    // Thạch Kênh finished first in the province.
    const firsts = communes.map((c) => [c.code, snapshot.values.find((v) => v.code === c.code)!.metrics.cccd_intake.completedAt!] as const)
      .sort((x, y) => x[1] - y[1]);
    expect(firsts[0][0]).toBe('18586');
  });
});
