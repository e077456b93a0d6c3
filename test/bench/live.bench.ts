/**
 * Live push at scale, tiendo beside a bare Socket.IO 4.8.3 server (bench/live/baseline-server.mjs)
 * that broadcasts a message of the size of tiendo's change message with the same 250 ms
 * coalescing, and answers a subscribe with a reply of the size of tiendo's. For each number of
 * screens, each round on fresh server processes:
 *   - connect: every screen opens its socket and subscribes at once; time until all are live;
 *   - memory: the server's resident memory with every screen live, less before, per screen; and
 *     its heap after a full garbage collection (a heap snapshot taken on SIGUSR2), which the
 *     load of the machine does not move;
 *   - event → screen: events posted at random intervals (tiendo: one record of a random commune
 *     of the province through the ingest API; the baseline: a POST that bumps its sequence
 *     number), and for each event and screen the time until the screen had a message carrying it;
 *   - reconnect: every connection dropped at once (as a restart or a network cut does); time
 *     until all are live again (tiendo: each resumes from its sequence number).
 * Screens run in LIVE_WORKERS (default 4) separate Node processes on this machine, sharing its
 * two cores with the server: the same for both servers. Prints medians of the rounds and the
 * ratios; asserts nothing.
 * tiendo runs on a fresh PostgreSQL database when DATABASE_URL is set, else on the embedded one.
 *   LIVE_SOCKETS=2000,5000 LIVE_ROUNDS=3 DATABASE_URL=postgresql://… pnpm -F @tiendo/test bench bench/live.bench.ts
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { afterAll, describe, it } from 'vitest';
import { io } from 'socket.io-client';
import { BODY_ENCODING, LiveMirror, type BodyEncoding, type Coverage, type UnitCatalog } from '@tiendo/shared';
import { event, postEvents } from '../helpers/api.js';
import { nationalCampaign } from '../helpers/national.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';
import { seedProgress } from '../helpers/seed.js';
import { freshPostgres, removeDir, startServer, type ServerProcess } from '../helpers/server.js';

const SOCKETS = (process.env.LIVE_SOCKETS ?? '1000,2000,5000,10000').split(',').map(Number);
const ROUNDS = Number(process.env.LIVE_ROUNDS ?? 3);
const WORKERS = Number(process.env.LIVE_WORKERS ?? 4);
const EVENTS = 40;
const COMPRESSION_SOCKETS = 1000;
const GOALS = { latencyRatio: 1.2, reconnectRatio: 2, kBPerSocket: 20 };

const now = () => performance.timeOrigin + performance.now();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const quantile = (xs: number[], q: number) => {
  const sorted = Float64Array.from(xs).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))];
};
const ms = (x: number) => (x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(0)} ms`);

/** Intervals between events, the same for both servers: 100 to 500 ms, from a fixed seed. */
const INTERVALS = (() => {
  let s = 42;
  return Array.from({ length: EVENTS }, () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return 100 + (s / 2 ** 31) * 400;
  });
})();

/** Servers write a heap snapshot here on SIGUSR2 (after a full collection). */
const SNAPSHOTS = mkdtempSync(join(tmpdir(), 'tiendo-heap-'));
const SNAPSHOT_FLAGS = `--heapsnapshot-signal=SIGUSR2 --diagnostic-dir=${SNAPSHOTS}`;
afterAll(() => rmSync(SNAPSHOTS, { recursive: true, force: true }));

/** The server's live heap in kB: the self sizes of every object of a fresh snapshot. */
async function heapKb(pid: number): Promise<number> {
  const before = new Set(readdirSync(SNAPSHOTS));
  process.kill(pid, 'SIGUSR2');
  const deadline = Date.now() + 300_000;
  for (;;) {
    if (Date.now() > deadline) throw new Error('no heap snapshot was written');
    await new Promise((r) => setTimeout(r, 500));
    const file = readdirSync(SNAPSHOTS).find((f) => !before.has(f) && f.includes(`.${pid}.`));
    if (!file) continue;
    const path = join(SNAPSHOTS, file);
    // Written by the server as it goes: whole once it parses.
    const size = statSync(path).size;
    await new Promise((r) => setTimeout(r, 500));
    if (statSync(path).size !== size) continue;
    let snapshot: { snapshot: { meta: { node_fields: string[] } }; nodes: number[] };
    try {
      snapshot = JSON.parse(readFileSync(path, 'utf8'));
    } catch {
      continue;
    }
    rmSync(path);
    const fields = snapshot.snapshot.meta.node_fields;
    const selfSize = fields.indexOf('self_size');
    let bytes = 0;
    for (let i = selfSize; i < snapshot.nodes.length; i += fields.length) bytes += snapshot.nodes[i];
    return bytes / 1000;
  }
}

function rssKb(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
}

interface Target {
  kind: 'tiendo' | 'baseline';
  url: string;
  pid: number;
  key: string;
  /** Posts one event; its sequence number. */
  post(): Promise<number>;
  /** Called before every connection is dropped. */
  beforeDrop?(): Promise<unknown>;
  stop(): Promise<void>;
}

async function tiendo(): Promise<Target & { server: ServerProcess; communes: string[] }> {
  // On PostgreSQL when DATABASE_URL is set, as a deployment runs: the embedded database works
  // in the server's own process and takes its CPU from the sockets.
  const database = await freshPostgres();
  // A long benchmark on a busy machine: a start may take minutes.
  const server = await startServer({ startTimeoutMs: 300_000, env: { NODE_OPTIONS: SNAPSHOT_FLAGS, DATABASE_URL: database?.url ?? '' } });
  const seeded = await seedProgress(server);
  const communes = seeded.units.filter((u) => u.level === 'commune').map((u) => u.code);
  let i = 0;
  return {
    kind: 'tiendo', url: server.url, pid: server.pid, key: server.keys.display, server, communes,
    post: async () => {
      const unit = communes[(i++ * 37) % communes.length];
      const answer = await postEvents(server.url, server.keys.ingest, [event({ unit, delta: 1 + (i % 5) })]);
      if (answer.status !== 200) throw new Error(`ingest: ${answer.status} ${JSON.stringify(answer.body)}`);
      return answer.body.seq!;
    },
    stop: async () => {
      await server.stop();
      removeDir(server.dataDir);
      await database?.drop();
    },
  };
}

async function baseline(sizes: Sizes, deflate = false): Promise<Target> {
  const child = spawn(process.execPath, [...SNAPSHOT_FLAGS.split(' '), join(import.meta.dirname, 'live/baseline-server.mjs')], {
    stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, DEFLATE: deflate ? '1' : '' },
  });
  const url = await new Promise<string>((resolve) => {
    child.stdout!.on('data', (d: Buffer) => {
      const match = /Listening on (\S+)/.exec(String(d));
      if (match) resolve(match[1]);
    });
  });
  const setSizes = (reply: number) => fetch(`${url}/sizes?message=${sizes.message}&reply=${reply}`, { method: 'POST' });
  await setSizes(sizes.snapshot);
  return {
    kind: 'baseline', url, pid: child.pid!, key: '',
    post: async () => ((await (await fetch(`${url}/event`, { method: 'POST' })).json()) as { seq: number }).seq,
    stop: () => new Promise((done) => {
      child.once('exit', () => done());
      child.kill('SIGTERM');
    }),
    // The reconnect answers a resume: of the size tiendo's resume has.
    beforeDrop: () => setSizes(sizes.resume),
  };
}

/** Bytes of tiendo's packets as a screen receives them: the subscribe reply, a resume, a change message. */
interface Sizes {
  snapshot: number;
  resume: number;
  message: number;
  /** A change message as it went over the wire, and the snapshot's body as it is and gzipped. */
  sample: string;
  body: { identity: number; gzip: number };
}

async function measureSizes(target: Target): Promise<Sizes> {
  const socket = io(target.url, { transports: ['websocket'], auth: { key: target.key } });
  let bytes = 0;
  let sample = '';
  socket.io.on('open', () => socket.io.engine.on('packet', (p: { data?: string | ArrayBuffer }) => {
    bytes += typeof p.data === 'string' ? Buffer.byteLength(p.data) : p.data?.byteLength ?? 0;
    if (typeof p.data === 'string' && p.data.startsWith('2["changes"')) sample = p.data;
  }));
  await new Promise<void>((r) => socket.once('connect', () => r()));
  const request = { campaign: 'ha-tinh', scope: '42', encoding: BODY_ENCODING };
  bytes = 0;
  const first = await socket.emitWithAck('subscribe', request);
  const snapshot = bytes;
  if (!first.ok) throw new Error(first.error);
  const { seq, epoch } = first;
  await target.post();
  await new Promise((r) => setTimeout(r, 600));
  bytes = 0;
  await socket.emitWithAck('subscribe', { ...request, since: seq, epoch });
  const resume = bytes;
  const changes = new Promise((r) => socket.once('changes', r));
  bytes = 0;
  await target.post();
  await changes;
  const message = bytes;
  const bodySize = async (encoding: BodyEncoding) => {
    const reply = await socket.emitWithAck('subscribe', { ...request, encoding });
    return reply.ok ? reply.body.byteLength : 0;
  };
  const body = { identity: await bodySize('identity'), gzip: await bodySize('gzip') };
  socket.close();
  return { snapshot, resume, message, sample, body };
}

/** Screen processes, each with its share of the screens. */
class Screens {
  private readonly workers: ChildProcess[];

  constructor(private readonly count: number) {
    const workers = Math.min(WORKERS, Math.ceil(count / 250));
    this.workers = Array.from({ length: workers }, () => fork(join(import.meta.dirname, 'live/screens.mjs'), { stdio: 'inherit', execArgv: [] }));
  }

  private ask<T>(type: string, commands: (i: number) => object): Promise<T[]> {
    return Promise.all(this.workers.map((w, i) => new Promise<T>((resolve) => {
      w.once('message', (m) => resolve(m as T));
      w.send(commands(i));
    })));
  }

  async connect(target: Target): Promise<{ ms: number[]; failed: number }> {
    const share = (i: number) => Math.floor(this.count / this.workers.length) + (i < this.count % this.workers.length ? 1 : 0);
    const answers = await this.ask<{ ms: number[]; failed: number }>('connect', (i) => ({
      type: 'connect', kind: target.kind, url: target.url, count: share(i), key: target.key, campaign: 'ha-tinh', scope: '42',
    }));
    return { ms: answers.flatMap((a) => a.ms), failed: answers.reduce((n, a) => n + a.failed, 0) };
  }

  async drop(): Promise<{ ms: number[]; failed: number }> {
    const answers = await this.ask<{ ms: number[]; failed: number }>('drop', () => ({ type: 'drop' }));
    return { ms: answers.flatMap((a) => a.ms), failed: answers.reduce((n, a) => n + a.failed, 0) };
  }

  async latencies(events: { seq: number; at: number }[]): Promise<{ ms: number[]; missing: number }> {
    const answers = await this.ask<{ ms: number[]; missing: number }>('collect', () => ({ type: 'collect', events }));
    return { ms: answers.flatMap((a) => a.ms), missing: answers.reduce((n, a) => n + a.missing, 0) };
  }

  close(): void {
    for (const w of this.workers) w.send({ type: 'close' });
  }
}

interface Round {
  connectMs: number;
  connectFailed: number;
  kBPerSocket: number;
  heapKbPerSocket: number;
  p50: number;
  p99: number;
  missing: number;
  reconnectMs: number;
  reconnectFailed: number;
}

async function round(target: Target, count: number): Promise<Round> {
  const screens = new Screens(count);
  try {
    await new Promise((r) => setTimeout(r, 1000));
    const heapBefore = await heapKb(target.pid);
    const before = rssKb(target.pid);
    const connected = await screens.connect(target);
    await new Promise((r) => setTimeout(r, 3000));
    const kBPerSocket = (rssKb(target.pid) - before) / count;
    const heapKbPerSocket = ((await heapKb(target.pid)) - heapBefore) / count;

    const events: { seq: number; at: number }[] = [];
    let refused = 0;
    for (const interval of INTERVALS) {
      const at = now();
      // A server too busy to take the post at all is counted, not waited for.
      await target.post().then((seq) => events.push({ seq, at }), () => refused++);
      await new Promise((r) => setTimeout(r, Math.max(0, at + interval - now())));
    }
    await new Promise((r) => setTimeout(r, 2000));
    const latencies = await screens.latencies(events);

    await target.beforeDrop?.();
    const reconnected = await screens.drop();
    return {
      connectMs: Math.max(...connected.ms), connectFailed: connected.failed, kBPerSocket, heapKbPerSocket,
      p50: quantile(latencies.ms, 0.5), p99: quantile(latencies.ms, 0.99), missing: latencies.missing + refused * count,
      reconnectMs: Math.max(...reconnected.ms), reconnectFailed: reconnected.failed,
    };
  } finally {
    screens.close();
  }
}

function summary(rounds: Round[]) {
  const m = (f: (r: Round) => number) => median(rounds.map(f));
  return {
    p50: m((r) => r.p50), p99: m((r) => r.p99), connect: m((r) => r.connectMs), reconnect: m((r) => r.reconnectMs), kB: m((r) => r.kBPerSocket),
    heapKb: m((r) => r.heapKbPerSocket),
    failed: rounds.reduce((n, r) => n + r.connectFailed + r.reconnectFailed + r.missing, 0),
  };
}

describe('live push at scale, beside a bare Socket.IO server', () => {
  const stops: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const stop of stops) await stop();
  }, 600_000);

  it.each(SOCKETS)('%i screens', { timeout: 4 * 3_600_000 }, async (count) => {
    const rounds = { tiendo: [] as Round[], baseline: [] as Round[] };
    let sizes: Sizes | null = null;
    for (let r = 0; r < ROUNDS; r++) {
      const t = await tiendo();
      stops.push(t.stop);
      sizes = await measureSizes(t);
      rounds.tiendo.push(await round(t, count));
      await t.stop();
      stops.pop();
      const b = await baseline(sizes);
      stops.push(b.stop);
      rounds.baseline.push(await round(b, count));
      await b.stop();
      stops.pop();
    }
    const t = summary(rounds.tiendo);
    const b = summary(rounds.baseline);
    const ratio = (x: number, y: number) => (x / y).toFixed(2);
    const verdict = (ok: boolean) => (ok ? 'goal met' : 'GOAL MISSED');
    console.log(
      `${count} screens, ${ROUNDS} rounds, screens in ${Math.min(WORKERS, Math.ceil(count / 250))} processes; ` +
      `tiendo's packets: subscribe reply ${sizes!.snapshot} B, resume ${sizes!.resume} B, change message ${sizes!.message} B\n` +
      `  event → screen p99: tiendo ${ms(t.p99)}, baseline ${ms(b.p99)}, ratio ${ratio(t.p99, b.p99)} (p50 ${ms(t.p50)} / ${ms(b.p50)}) · ` +
      `goal ≤ ${GOALS.latencyRatio}×: ${verdict(t.p99 <= GOALS.latencyRatio * b.p99)}\n` +
      `  all live after connecting at once: tiendo ${ms(t.connect)}, baseline ${ms(b.connect)}, ratio ${ratio(t.connect, b.connect)}\n` +
      `  all live again after a drop of every connection: tiendo ${ms(t.reconnect)}, baseline ${ms(b.reconnect)}, ratio ${ratio(t.reconnect, b.reconnect)}; ` +
      `tiendo's reconnect against the baseline's connect ${ratio(t.reconnect, b.connect)} · ` +
      `goal ≤ ${GOALS.reconnectRatio}×: ${verdict(t.reconnect <= GOALS.reconnectRatio * b.connect)}\n` +
      `  server memory per live screen: tiendo ${t.kB.toFixed(1)} kB, baseline ${b.kB.toFixed(1)} kB · ` +
      `goal ≤ ${GOALS.kBPerSocket} kB: ${verdict(t.kB <= GOALS.kBPerSocket)}\n` +
      `  server heap after a full collection per live screen: tiendo ${t.heapKb.toFixed(1)} kB, baseline ${b.heapKb.toFixed(1)} kB, ratio ${ratio(t.heapKb, b.heapKb)}` +
      (t.failed || b.failed ? `\n  not live or missed (all rounds): tiendo ${t.failed}, baseline ${b.failed}` : ''),
    );
  });
});

/**
 * What a screen receives before it shows its first live numbers, counted on the wire (a TCP
 * proxy between it and the server), and how long that takes from a cold start: as the web app
 * does, the units from their URL (compressed as a browser asks) beside the subscription.
 */
async function firstNumbers(url: string, key: string | null, coverage: Coverage): Promise<{ ms: number; bytes: number }> {
  const proxy = new TcpProxy({ host: '127.0.0.1', port: Number(new URL(url).port) });
  await proxy.start();
  const via = `http://127.0.0.1:${proxy.port}`;
  const started = now();
  const mirror = new LiveMirror(coverage.campaign, coverage.scope, coverage.depth);
  const socket = io(via, { transports: ['websocket'], auth: key ? { key } : {}, reconnection: false, forceNew: true });
  try {
    const query = `scope=${coverage.scope}${coverage.depth === null ? '' : `&depth=${coverage.depth}`}`;
    const units = fetch(`${via}/api/v1/campaigns/${coverage.campaign}/units?${query}`, {
      headers: { 'accept-encoding': 'gzip, deflate, br', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    }).then((r) => r.json() as Promise<UnitCatalog>);
    await new Promise<void>((r) => socket.once('connect', () => r()));
    if (!(await mirror.onReply(await socket.emitWithAck('subscribe', mirror.request())))) throw new Error('subscription refused');
    if ((await units).version !== mirror.catalog) throw new Error('the units are not those of the reply');
    return { ms: now() - started, bytes: proxy.received };
  } finally {
    socket.close();
    await proxy.stop();
  }
}

async function firstNumbersMedian(url: string, key: string | null, coverage: Coverage) {
  const runs = [];
  for (let i = 0; i < 5; i++) runs.push(await firstNumbers(url, key, coverage));
  return { ms: median(runs.map((r) => r.ms)), bytes: median(runs.map((r) => r.bytes)) };
}

describe('websocket per-message compression, measured on the bare server', () => {
  it(`${COMPRESSION_SOCKETS} screens with and without permessage-deflate`, { timeout: 3_600_000 }, async () => {
    const t = await tiendo();
    const sizes = await measureSizes(t);
    await t.stop();
    const rounds: Record<string, Round> = {};
    for (const deflate of [false, true]) {
      const b = await baseline(sizes, deflate);
      try {
        rounds[String(deflate)] = await round(b, COMPRESSION_SOCKETS);
      } finally {
        await b.stop();
      }
    }
    const [off, on] = [rounds.false, rounds.true];
    console.log(
      `websocket compression: a change message of ${sizes.message} B deflates to ${deflateRawSync(sizes.sample).length} B; ` +
      `the snapshot's body is ${sizes.body.identity} B as it is, ${sizes.body.gzip} B gzipped once for every screen\n` +
      `  ${COMPRESSION_SOCKETS} screens on the bare server, without / with permessage-deflate: memory per screen ${off.kBPerSocket.toFixed(1)} / ${on.kBPerSocket.toFixed(1)} kB, ` +
      `event → screen p99 ${ms(off.p99)} / ${ms(on.p99)}, all live ${ms(off.connectMs)} / ${ms(on.connectMs)}`,
    );
  });
});

describe('a screen\'s first live numbers', () => {
  it('a province wall (Hà Tĩnh, 230 units)', { timeout: 3_600_000 }, async () => {
    const t = await tiendo();
    try {
      const first = await firstNumbersMedian(t.url, t.key, { campaign: 'ha-tinh', scope: '42', depth: null });
      console.log(`province wall, first live numbers: ${(first.bytes / 1024).toFixed(1)} kB on the wire in ${ms(first.ms)} (median of 5) · ` +
        `goal ≤ 20 kB: ${first.bytes <= 20 * 1024 ? 'goal met' : 'GOAL MISSED'}`);
    } finally {
      await t.stop();
    }
  });

  it('the country wall (63 provinces, 10,599 communes)', { timeout: 3_600_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tiendo-country-'));
    const metrics = [
      { key: 'cccd', name: 'Thu nhận CCCD gắn chip' },
      { key: 'eid_intake', name: 'Thu nhận định danh điện tử mức 2' },
      { key: 'eid_activation', name: 'Kích hoạt định danh điện tử mức 2' },
    ];
    const national = await nationalCampaign({ DATA_DIR: dir, PUBLIC_DISPLAY: 'true' }, metrics);
    try {
      for (const m of metrics) {
        const answer = await national.admin.request('POST', '/api/v1/campaigns/ca-nuoc/targets/spread', { metric: m.key, total: 80_000_000, reason: 'Chỉ tiêu toàn quốc' });
        if (answer.status !== 200 && answer.status !== 201) throw new Error(`spread: ${answer.status} ${JSON.stringify(answer.body)}`);
      }
      // Every commune has reported: values of every size, as on a real wall.
      const records = national.communes.flatMap((unit, i) => metrics.map((m, j) => ({
        id: `bench-${unit}-${m.key}`, campaign: 'ca-nuoc', metric: m.key, unit, delta: 1 + ((i * 7919 + j * 104729) % 2000), occurredAt: new Date().toISOString(), confirmed: true,
      })));
      for (let i = 0; i < records.length; i += 1000) {
        const answer = await national.admin.request('POST', '/api/v1/events', { events: records.slice(i, i + 1000) });
        if (answer.status !== 200) throw new Error(`ingest: ${answer.status} ${JSON.stringify(answer.body)}`);
      }
      await new Promise((r) => setTimeout(r, 1000));
      // The country wall draws the provinces; their districts and communes come on drill-down.
      const first = await firstNumbersMedian(national.server.url, null, { campaign: 'ca-nuoc', scope: 'VN', depth: 1 });
      console.log(`country wall, first live numbers: ${(first.bytes / 1024).toFixed(1)} kB on the wire in ${ms(first.ms)} (median of 5) · ` +
        `goal < 300 kB and < 1 s: ${first.bytes < 300 * 1024 && first.ms < 1000 ? 'goal met' : 'GOAL MISSED'}`);
    } finally {
      await national.server.stop();
      removeDir(dir);
    }
  });
});
