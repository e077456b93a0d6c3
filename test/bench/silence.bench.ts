/**
 * The chief's list of silent communes at the scale of a district, a province and the country:
 * a national campaign (10,599 communes) started as production starts (`init` with ROOT_UNIT=VN,
 * then `serve`), twenty records per commune, then the silence of each scope asked over HTTP,
 * with every commune heard (a short answer) and with every commune silent (the longest one).
 * On the embedded database and, when DATABASE_URL is set, on PostgreSQL. Prints figures; asserts nothing.
 *   pnpm -F @tiendo/test bench
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import type { SilenceReport } from '@tiendo/shared';
import { nationalCampaign } from '../helpers/national.js';
import type { Session } from '../helpers/production.js';
import { freshPostgres, removeDir } from '../helpers/server.js';

const RECORDS_PER_COMMUNE = 20;
const BATCH = 1000;
const RUNS = 15;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function timed(admin: Session, path: string): Promise<{ ms: number; silent: number; communes: number }> {
  const times: number[] = [];
  let last: SilenceReport | null = null;
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    const answer = await admin.request<SilenceReport>('GET', path);
    times.push(performance.now() - started);
    if (answer.status !== 200) throw new Error(`${path}: ${answer.status}`);
    last = answer.body;
  }
  return { ms: median(times), silent: last!.silent.length, communes: last!.communes };
}

async function run(label: string, env: Record<string, string>): Promise<void> {
  const { server, admin, communes } = await nationalCampaign(env);
  try {
    const records = communes.flatMap((unit) => Array.from({ length: RECORDS_PER_COMMUNE }, (_, i) => ({
      id: `bench-${unit}-${i}`, campaign: 'ca-nuoc', metric: 'cccd', unit, delta: 1 + (i % 3), occurredAt: new Date().toISOString(),
    })));
    const started = performance.now();
    for (let i = 0; i < records.length; i += BATCH) {
      const answer = await admin.request('POST', '/api/v1/events', { events: records.slice(i, i + BATCH) });
      if (answer.status !== 200) throw new Error(`ingest: ${answer.status} ${JSON.stringify(answer.body)}`);
    }
    const loadSeconds = (performance.now() - started) / 1000;
    console.log(`${label}: ${records.length.toLocaleString('en')} records for ${communes.length.toLocaleString('en')} communes in ${loadSeconds.toFixed(0)} s`);
    const scopes = [['district (445)', '445'], ['province (42)', '42'], ['country (VN)', 'VN']];
    for (const [name, scope] of scopes) {
      const heard = await timed(admin, `/api/v1/campaigns/ca-nuoc/silence?scope=${scope}&hours=6`);
      console.log(`${label}: silence of a ${name}, ${heard.communes} communes, all heard: median ${heard.ms.toFixed(1)} ms`);
    }
    // A second after the last record every commune is silent over half a second: the longest answers.
    await new Promise((r) => setTimeout(r, 1500));
    for (const [name, scope] of scopes) {
      const quiet = await timed(admin, `/api/v1/campaigns/ca-nuoc/silence?scope=${scope}&hours=0.0003`);
      console.log(`${label}: silence of a ${name}, ${quiet.silent} of ${quiet.communes} silent: median ${quiet.ms.toFixed(1)} ms`);
    }
  } finally {
    await server.stop();
  }
}

describe('silent communes at scale', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  it('embedded database', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tiendo-silence-'));
    cleanups.push(async () => removeDir(dir));
    await run('embedded', { DATA_DIR: dir });
  });

  it.skipIf(!process.env.DATABASE_URL)('PostgreSQL (skipped without DATABASE_URL)', async () => {
    const pg = (await freshPostgres())!;
    cleanups.push(pg.drop);
    await run('PostgreSQL', { DATABASE_URL: pg.url });
  });
});
