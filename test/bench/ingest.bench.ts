/**
 * Ingest against baselines of the same rows, in the same run, on PostgreSQL with many events
 * already stored; and the embedded database for comparison. Prints figures; asserts nothing.
 *   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres pnpm -F @tiendo/test bench bench/ingest.bench.ts
 *
 * The workload is a province's: every commune of Hà Tĩnh and every metric of the campaign,
 * records spread over the last day, 1-3 each. Each round measures, one after the other:
 * - the baselines: a bare `INSERT … SELECT FROM json_to_recordset … ON CONFLICT DO NOTHING` of
 *   the same batches into the same table (a campaign of its own, so that the app's counts stay
 *   true), and COPY of the same rows;
 * - tiendo's POST /api/v1/events at batches of 1,000 and of 50 (4 clients), and single-record
 *   posts (16 clients), with the server's CPU per request, the latency, and the share of it
 *   spent waiting for or holding the sequence lock (from the server's metrics);
 * - the same on two instances on the one database, the clients split between them.
 * Figures are medians of the rounds; the machine is shared, so ratios against the baseline of
 * the same round are what to read. Each of tiendo's lines says how many cores the machine, the
 * servers and PostgreSQL kept busy: the load runs on the same machine, and a figure taken with
 * every core busy is the machine's limit, not tiendo's. The goals close the PostgreSQL run.
 *
 * INGEST_BENCH_EVENTS (default 1,000,000) records are stored before the first round, spread
 * over the campaign's days in proportion to each commune's target; INGEST_BENCH_ROUNDS (3) and
 * INGEST_BENCH_SECONDS (5, each measure) set the length.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { afterAll, describe, it } from 'vitest';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { IngestEvent } from '@tiendo/shared';
import { event, postEvents } from '../helpers/api.js';
import { LiveClient, waitFor } from '../helpers/live-client.js';
import { freshPostgres, removeDir, startServer, type ServerProcess } from '../helpers/server.js';

const STORED = Number(process.env.INGEST_BENCH_EVENTS ?? 1_000_000);
const ROUNDS = Number(process.env.INGEST_BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.INGEST_BENCH_SECONDS ?? 5);
const BATCH_CLIENTS = 4;
const SINGLE_CLIENTS = 16;
const CAMPAIGN = 'ha-tinh';
const BASELINE_CAMPAIGN = 'bench-baseline';
const DAY_MS = 86_400_000;
const TICKS_PER_SECOND = 100;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))];
const fmt = (x: number) => (Number.isFinite(x) ? x.toFixed(x < 10 ? 2 : 0) : '—');
const pct = (x: number) => `${(100 * x).toFixed(0)}%`;

interface Workload {
  communes: string[];
  metrics: string[];
}

let serial = 0;

/** A batch of the province's workload: records of every commune and metric, over the last day. */
function batch(w: Workload, size: number, prefix: string): IngestEvent[] {
  const now = Date.now();
  return Array.from({ length: size }, () => {
    const n = serial++;
    return {
      id: `${prefix}-${process.pid}-${n}`,
      campaign: CAMPAIGN,
      metric: w.metrics[n % w.metrics.length],
      unit: w.communes[Math.floor(Math.random() * w.communes.length)],
      delta: 1 + (n % 3),
      occurredAt: new Date(now - Math.floor(Math.random() * DAY_MS)).toISOString(),
    };
  });
}

/** The row the server would store for a record sent with the demo's ingest key (scope 42). */
const stored = (e: IngestEvent) => ({
  campaign: BASELINE_CAMPAIGN, sender: '42', origin: 'event', id: e.id, metric: e.metric, unit: e.unit, delta: e.delta,
  occurred_at: e.occurredAt, day: new Date(Date.parse(e.occurredAt) + 7 * 3_600_000).toISOString().slice(0, 10),
  source: 'bench', reason: null, key_id: null, person_id: null, confirmed: false,
});

interface Run {
  /** Records a second. */
  rate: number;
  /** Requests a second. */
  requests: number;
  latencies: number[];
  /** Server CPU, ms per request; NaN for the baselines. */
  cpuPerRequest: number;
  /** Share of the summed latency spent waiting for or holding the sequence lock. */
  lockShare: number;
  /** Cores kept busy during the run, for tiendo's: the whole machine, the servers and PostgreSQL. */
  cores?: { machine: number; server: number; postgres: number | null };
}

/** Runs `clients` loops of `send` for SECONDS; each returns how many records it sent. */
async function timed(clients: number, send: (client: number) => Promise<number>): Promise<{ records: number; requests: number; latencies: number[]; seconds: number }> {
  const started = performance.now();
  const end = started + SECONDS * 1000;
  const latencies: number[] = [];
  let records = 0;
  await Promise.all(Array.from({ length: clients }, async (_, client) => {
    while (performance.now() < end) {
      const t = performance.now();
      const sent = await send(client);
      latencies.push(performance.now() - t);
      records += sent;
    }
  }));
  return { records, requests: latencies.length, latencies, seconds: (performance.now() - started) / 1000 };
}

function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** Ticks of PostgreSQL's processes on this machine (its server and every backend), by process. */
function postgresTicks(): Map<number, number> {
  const ticks = new Map<number, number>();
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p)).map(Number)) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').startsWith('postgres')) ticks.set(pid, cpuTicks(pid));
    } catch {
      // Gone meanwhile: a backend that ended.
    }
  }
  return ticks;
}

/** Ticks PostgreSQL spent between two readings: a backend that ended meanwhile is not counted. */
function postgresSpent(before: Map<number, number>, after: Map<number, number>): number {
  let ticks = 0;
  for (const [pid, t] of after) ticks += t - (before.get(pid) ?? 0);
  return ticks;
}

/** Busy and total ticks of the whole machine, summed over its cores. */
function machineTicks(): { busy: number; all: number } {
  const [user, nice, system, idle, iowait, irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0].split(/\s+/).slice(1).map(Number);
  return { busy: user + nice + system + irq + softirq + steal, all: user + nice + system + idle + iowait + irq + softirq + steal };
}

async function lockSeconds(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  let sum = 0;
  for (const m of text.matchAll(/^tiendo_ingest_seq_lock_seconds_total\{phase="(?:wait|held)"\} ([\d.e+-]+)$/gm)) sum += Number(m[1]);
  return sum;
}

async function baselineInsert(pool: pg.Pool, w: Workload, size: number, clients: number): Promise<Run> {
  const sql = `insert into event (campaign_id, sender_scope, origin, id, metric, unit_code, delta, occurred_at, day, source, reason, api_key_id, person_id, confirmed)
    select campaign, sender, origin, id, metric, unit, delta, occurred_at, day, source, reason, key_id, person_id, confirmed
    from json_to_recordset($1::json) as x(campaign text, sender text, origin text, id text, metric text, unit text, delta int,
      occurred_at timestamptz, day date, source text, reason text, key_id int, person_id int, confirmed boolean)
    on conflict (campaign_id, sender_scope, origin, id) do nothing`;
  const r = await timed(clients, async () => {
    const rows = batch(w, size, 'base').map(stored);
    await pool.query(sql, [JSON.stringify(rows)]);
    return size;
  });
  return { rate: r.records / r.seconds, requests: r.requests / r.seconds, latencies: r.latencies, cpuPerRequest: NaN, lockShare: NaN };
}

async function baselineCopy(pool: pg.Pool, w: Workload, size: number, clients: number): Promise<Run> {
  const csv = (v: unknown) => (v === null ? '' : String(v));
  const r = await timed(clients, async () => {
    const text = batch(w, size, 'copy').map(stored)
      .map((s) => [s.campaign, s.sender, s.origin, s.id, s.metric, s.unit, s.delta, s.occurred_at, s.day, s.source, s.confirmed].map(csv).join(','))
      .join('\n');
    const client = await pool.connect();
    try {
      await pipeline(Readable.from([text]), client.query(copyFrom(
        'copy event (campaign_id, sender_scope, origin, id, metric, unit_code, delta, occurred_at, day, source, confirmed) from stdin with (format csv)')));
    } finally {
      client.release();
    }
    return size;
  });
  return { rate: r.records / r.seconds, requests: r.requests / r.seconds, latencies: r.latencies, cpuPerRequest: NaN, lockShare: NaN };
}

/** tiendo's servers at work; `onPostgres` false for the embedded database, which works in the server's process. */
async function tiendo(servers: ServerProcess[], w: Workload, size: number, clients: number, onPostgres = true): Promise<Run> {
  const lock = await Promise.all(servers.map((s) => lockSeconds(s.url)));
  const ticks = servers.map((s) => cpuTicks(s.pid));
  const [machine, postgres] = [machineTicks(), postgresTicks()];
  const r = await timed(clients, async (client) => {
    const s = servers[client % servers.length];
    const answer = await postEvents(s.url, s.keys.ingest, batch(w, size, 'tiendo'));
    if (answer.status !== 200) throw new Error(`ingest failed: ${answer.status} ${JSON.stringify(answer.body)}`);
    return size;
  });
  const cpuSeconds = servers.reduce((sum, s, i) => sum + (cpuTicks(s.pid) - ticks[i]) / TICKS_PER_SECOND, 0);
  const [machineAfter, postgresAfter] = [machineTicks(), postgresTicks()];
  const cores = {
    machine: (cpus().length * (machineAfter.busy - machine.busy)) / (machineAfter.all - machine.all),
    server: cpuSeconds / r.seconds,
    postgres: onPostgres ? postgresSpent(postgres, postgresAfter) / TICKS_PER_SECOND / r.seconds : null,
  };
  const locked = (await Promise.all(servers.map((s) => lockSeconds(s.url)))).reduce((sum, x, i) => sum + x - lock[i], 0);
  return {
    rate: r.records / r.seconds, requests: r.requests / r.seconds, latencies: r.latencies,
    cpuPerRequest: (1000 * cpuSeconds) / r.requests, lockShare: (1000 * locked) / r.latencies.reduce((a, b) => a + b, 0), cores,
  };
}

/** Post → socket client, posts 300 ms apart (past the coalescing window: each stands alone). */
async function pushLatency(server: ServerProcess): Promise<number[]> {
  const client = new LiveClient(server.url, CAMPAIGN, '42');
  await client.ready();
  const times: number[] = [];
  for (let i = 0; i < 20; i++) {
    const before = client.value('18586')!;
    const started = performance.now();
    await postEvents(server.url, server.keys.ingest, [event({ unit: '18586', delta: 1 })]);
    await waitFor(() => client.value('18586') === before + 1, 5000, 'the change', 1);
    times.push(performance.now() - started);
    await new Promise((r) => setTimeout(r, 300));
  }
  client.close();
  return times;
}

/** Stores `count` records of the campaign's past days in SQL, with the counters and daily values they make. */
async function seed(url: string, count: number): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const started = performance.now();
    await client.query(`
      with t as (
        select t.metric, t.unit_code, t.target::float8 / sum(t.target) over () as share
        from target t join unit u on u.code = t.unit_code and u.level = 'commune' where t.campaign_id = $1
      ), c as (select start_date, time_zone from campaign where id = $1)
      insert into event (campaign_id, sender_scope, origin, id, metric, unit_code, delta, occurred_at, day, source, confirmed)
      select $1, '42', 'event', 'seed-' || t.metric || '-' || t.unit_code || '-' || g, t.metric, t.unit_code, 1, s.at,
        (s.at at time zone c.time_zone)::date, 'seed', false
      from t cross join c
        cross join lateral generate_series(1, round($2::float8 * t.share)::int) g
        cross join lateral (select (c.start_date::timestamp at time zone c.time_zone)
          + random() * (now() - interval '1 day' - (c.start_date::timestamp at time zone c.time_zone)) as at) s`,
    [CAMPAIGN, count]);
    // Schemas before Migration20261201000000 kept a sequence number per counter: the bench runs on both, to compare.
    const { rows: [{ older }] } = await client.query<{ older: boolean }>(
      `select exists (select 1 from information_schema.columns where table_name = 'counter' and column_name = 'last_seq') as older`);
    await client.query(`
      delete from counter where campaign_id = $1;
      delete from daily_value where campaign_id = $1;
      insert into counter (campaign_id, metric, unit_code, value, last_at${older ? ', last_seq' : ''})
        select campaign_id, metric, unit_code, sum(delta), max(occurred_at)${older ? ', 0' : ''} from event where campaign_id = $1 group by 1, 2, 3;
      insert into daily_value (campaign_id, metric, unit_code, day, value)
        select campaign_id, metric, unit_code, day, sum(delta) from event where campaign_id = $1 group by 1, 2, 3, 4;
      insert into campaign (id, name, time_zone, start_date, root_unit) select $2, 'baseline', time_zone, start_date, root_unit from campaign where id = $1;
      insert into metric (campaign_id, key, name, position) select $2, key, name, position from metric where campaign_id = $1;
      analyze;`.replaceAll('$1', `'${CAMPAIGN}'`).replaceAll('$2', `'${BASELINE_CAMPAIGN}'`));
    const [{ n }] = (await client.query<{ n: string }>('select count(*) as n from event')).rows;
    console.log(`PostgreSQL: ${n} records stored before the rounds (seeded in ${((performance.now() - started) / 1000).toFixed(0)} s)`);
  } finally {
    await client.end();
  }
}

async function workload(url: string): Promise<Workload> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const communes = await client.query<{ code: string }>(
      `select distinct t.unit_code as code from target t join unit u on u.code = t.unit_code and u.level = 'commune' where t.campaign_id = $1 order by 1`, [CAMPAIGN]);
    const metrics = await client.query<{ key: string }>('select key from metric where campaign_id = $1 order by position', [CAMPAIGN]);
    return { communes: communes.rows.map((r) => r.code), metrics: metrics.rows.map((r) => r.key) };
  } finally {
    await client.end();
  }
}

interface Figures {
  [measure: string]: Run[];
}

/** Each round's rate against the same round's baseline. */
const ratios = (runs: Run[], baseline: Run[]) => runs.map((r, i) => r.rate / baseline[i].rate);

function line(name: string, runs: Run[], baseline?: Run[]): string {
  const rate = median(runs.map((r) => r.rate));
  const parts = [`${name.padEnd(34)} ${fmt(rate).padStart(7)} records/s`];
  if (runs[0].requests !== runs[0].rate) parts.push(`${fmt(median(runs.map((r) => r.requests)))} requests/s`);
  if (baseline) {
    const each = ratios(runs, baseline);
    parts.push(`ratio ${median(each).toFixed(2)} (rounds ${each.map((x) => x.toFixed(2)).join(', ')})`);
  }
  const all = runs.flatMap((r) => r.latencies);
  parts.push(`latency p50 ${fmt(quantile(all, 0.5))} ms, p99 ${fmt(quantile(all, 0.99))} ms`);
  if (!Number.isNaN(runs[0].cpuPerRequest)) parts.push(`server CPU ${fmt(median(runs.map((r) => r.cpuPerRequest)))} ms/request`);
  if (!Number.isNaN(runs[0].lockShare)) parts.push(`sequence lock ${pct(median(runs.map((r) => r.lockShare)))} of latency`);
  if (runs[0].cores) {
    const c = (f: (x: NonNullable<Run['cores']>) => number) => median(runs.map((r) => f(r.cores!))).toFixed(2);
    const postgres = runs[0].cores.postgres === null ? '' : `, PostgreSQL ${c((x) => x.postgres!)}`;
    parts.push(`cores busy: machine ${c((x) => x.machine)} of ${cpus().length}, tiendo ${c((x) => x.server)}${postgres}`);
  }
  return parts.join(' · ');
}

/** The goals of the write path, each with its figure. */
function goals(f: Figures): string {
  const batches = median(ratios(f.tiendo1000, f.base1000));
  const two = median(ratios(f.two1000, f.tiendo1000));
  const single = median(f.tiendo1x16.map((r) => r.rate));
  const cpu = median(f.tiendo1x16.map((r) => r.cpuPerRequest));
  const verdict = (ok: boolean) => (ok ? 'goal met' : 'GOAL MISSED');
  return [
    `goals: B=1000 at least 0.5× the bare insert: ${batches.toFixed(2)}×, ${verdict(batches >= 0.5)}`,
    `  single posts: at least 1,000 a second: ${fmt(single)}, ${verdict(single >= 1000)}; at most 2 ms of server CPU each: ${fmt(cpu)} ms, ${verdict(cpu <= 2)}` +
      ` (at that cost one core of tiendo takes ${fmt(1000 / cpu)} a second)`,
    `  two instances at least 1.6× one, B=1000: ${two.toFixed(2)}×, ${verdict(two >= 1.6)}`,
  ].join('\n');
}

describe('ingest benchmark', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c();
  });

  it('PostgreSQL, against bare inserts and COPY of the same rows', async () => {
    const database = await freshPostgres();
    if (!database) {
      console.log('PostgreSQL: not measured (set DATABASE_URL)');
      return;
    }
    cleanup.push(() => database.drop());
    const first = await startServer({ env: { DATABASE_URL: database.url } });
    await first.stop();
    cleanup.push(async () => removeDir(first.dataDir));
    await seed(database.url, STORED);
    const w = await workload(database.url);
    const start = () => startServer({ env: { DATABASE_URL: database.url }, dataDir: first.dataDir });
    const a = await start();
    cleanup.push(() => a.stop());
    const pool = new pg.Pool({ connectionString: database.url, max: SINGLE_CLIENTS });
    cleanup.push(() => pool.end());

    const figures: Figures = {};
    const add = (name: string, run: Run) => (figures[name] ??= []).push(run);
    for (let round = 0; round < ROUNDS; round++) {
      add('base1000', await baselineInsert(pool, w, 1000, BATCH_CLIENTS));
      add('copy1000', await baselineCopy(pool, w, 1000, BATCH_CLIENTS));
      add('tiendo1000', await tiendo([a], w, 1000, BATCH_CLIENTS));
      add('base50', await baselineInsert(pool, w, 50, BATCH_CLIENTS));
      add('tiendo50', await tiendo([a], w, 50, BATCH_CLIENTS));
      add('base1x16', await baselineInsert(pool, w, 1, SINGLE_CLIENTS));
      add('tiendo1x16', await tiendo([a], w, 1, SINGLE_CLIENTS));
      const b = await start();
      try {
        add('two1000', await tiendo([a, b], w, 1000, BATCH_CLIENTS));
        add('two1x16', await tiendo([a, b], w, 1, SINGLE_CLIENTS));
      } finally {
        await b.stop();
      }
      console.log(`round ${round + 1} of ${ROUNDS} done`);
    }
    const { n } = (await pool.query<{ n: string }>('select count(*) as n from event')).rows[0];
    const push = await pushLatency(a);
    const twoOverOne = (two: string, one: string) => {
      const each = ratios(figures[two], figures[one]);
      return `two instances ${median(each).toFixed(2)}× one (rounds ${each.map((x) => x.toFixed(2)).join(', ')})`;
    };
    console.log([
      `PostgreSQL ingest, medians of ${ROUNDS} rounds of ${SECONDS} s each; ${n} records stored at the end;`
        + ` ${w.communes.length} communes × ${w.metrics.length} metrics, times over the last day`,
      line(`bare insert, B=1000, ${BATCH_CLIENTS} clients`, figures.base1000),
      line(`COPY, B=1000, ${BATCH_CLIENTS} clients`, figures.copy1000, figures.base1000),
      line(`tiendo, B=1000, ${BATCH_CLIENTS} clients`, figures.tiendo1000, figures.base1000),
      line(`bare insert, B=50, ${BATCH_CLIENTS} clients`, figures.base50),
      line(`tiendo, B=50, ${BATCH_CLIENTS} clients`, figures.tiendo50, figures.base50),
      line(`bare insert, B=1, ${SINGLE_CLIENTS} clients`, figures.base1x16),
      line(`tiendo, B=1, ${SINGLE_CLIENTS} clients`, figures.tiendo1x16, figures.base1x16),
      `${line(`two instances, B=1000, ${BATCH_CLIENTS} clients`, figures.two1000, figures.base1000)} · ${twoOverOne('two1000', 'tiendo1000')}`,
      `${line(`two instances, B=1, ${SINGLE_CLIENTS} clients`, figures.two1x16, figures.base1x16)} · ${twoOverOne('two1x16', 'tiendo1x16')}`,
      `post → socket client: median ${fmt(median(push))} ms, p90 ${fmt(quantile(push, 0.9))} ms (posts 300 ms apart)`,
      goals(figures),
    ].join('\n'));
  });

  it('embedded database (PGlite)', async () => {
    const server = await startServer();
    cleanup.push(async () => { await server.stop(); removeDir(server.dataDir); });
    const w: Workload = { communes: ['18586', '18070', '18073', '18076', '18079', '18082', '18085', '18088'], metrics: ['cccd_intake'] };
    const big: Run[] = [];
    const single: Run[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      big.push(await tiendo([server], w, 1000, BATCH_CLIENTS, false));
      single.push(await tiendo([server], w, 1, SINGLE_CLIENTS, false));
    }
    const push = await pushLatency(server);
    console.log([
      `PGlite ingest, medians of ${ROUNDS} rounds of ${SECONDS} s each`,
      line(`tiendo, B=1000, ${BATCH_CLIENTS} clients`, big),
      line(`tiendo, B=1, ${SINGLE_CLIENTS} clients`, single),
      `post → socket client: median ${fmt(median(push))} ms, p90 ${fmt(quantile(push, 0.9))} ms (posts 300 ms apart)`,
    ].join('\n'));
  });
});
