/**
 * Ingestion throughput and post-to-screen latency against the real server, on the embedded
 * database and (when DATABASE_URL is set) on PostgreSQL. Prints figures; asserts nothing.
 *   pnpm -F @tiendo/test bench
 */
import { afterAll, describe, it } from 'vitest';
import { event, postEvents } from '../helpers/api.js';
import { LiveClient, waitFor } from '../helpers/live-client.js';
import { freshPostgres, removeDir, startServer, type ServerProcess } from '../helpers/server.js';

const RUNS = 5;
const BATCHES = 20;
const BATCH = 1000;
const CONCURRENCY = 4;
const communes = ['18586', '18070', '18073', '18076', '18079', '18082', '18085', '18088'];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))];
const fmt = (x: number) => x.toFixed(x < 10 ? 1 : 0);

async function throughput(server: ServerProcess): Promise<number[]> {
  const rates: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const batches = Array.from({ length: BATCHES }, () =>
      Array.from({ length: BATCH }, (_, i) => event({ unit: communes[i % communes.length], delta: 1 + (i % 3) })));
    const started = performance.now();
    let next = 0;
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      while (next < batches.length) {
        const answer = await postEvents(server.url, server.keys.ingest, batches[next++]);
        if (answer.status !== 200) throw new Error(`ingest failed: ${answer.status} ${JSON.stringify(answer.body)}`);
      }
    }));
    rates.push((BATCHES * BATCH) / ((performance.now() - started) / 1000));
  }
  return rates;
}

async function latency(server: ServerProcess): Promise<number[]> {
  const client = new LiveClient(server.url, 'ha-tinh', '42');
  await client.ready();
  const times: number[] = [];
  for (let i = 0; i < 30; i++) {
    const before = client.value('18586')!;
    const started = performance.now();
    await postEvents(server.url, server.keys.ingest, [event({ unit: '18586', delta: 1 })]);
    await waitFor(() => client.value('18586') === before + 1, 5000, 'the change', 1);
    times.push(performance.now() - started);
    await new Promise((r) => setTimeout(r, 300)); // past the coalescing window: each post stands alone
  }
  client.close();
  return times;
}

async function report(name: string, server: ServerProcess): Promise<void> {
  const rates = await throughput(server);
  const times = await latency(server);
  console.log(
    `${name}: ingest ${fmt(median(rates))} events/s median of ${RUNS} runs (min ${fmt(Math.min(...rates))}, max ${fmt(Math.max(...rates))}; ` +
    `${BATCHES} batches of ${BATCH}, ${CONCURRENCY} concurrent) · post → socket client: median ${fmt(median(times))} ms, ` +
    `p90 ${fmt(quantile(times, 0.9))} ms, max ${fmt(Math.max(...times))} ms (posts 300 ms apart)`,
  );
}

describe('ingest benchmark', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c();
  });

  it('embedded database (PGlite)', async () => {
    const server = await startServer();
    cleanup.push(async () => { await server.stop(); removeDir(server.dataDir); });
    await report('PGlite', server);
  });

  it('PostgreSQL', async () => {
    const database = await freshPostgres();
    if (!database) {
      console.log('PostgreSQL: not measured (set DATABASE_URL)');
      return;
    }
    const server = await startServer({ env: { DATABASE_URL: database.url } });
    cleanup.push(async () => { await server.stop(); removeDir(server.dataDir); await database.drop(); });
    await report('PostgreSQL', server);
  });
});
