/**
 * What an abusive client costs the others: legitimate ingest latency alone, during a flood of
 * made-up keys from another address, and during a stampede of subscriptions with a key the
 * server has not seen. Prints figures; asserts nothing.
 *   pnpm -F @tiendo/test bench
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { connected, createKey, send } from '../helpers/access.js';
import { event, postEvents } from '../helpers/api.js';
import { removeDir, startServer, type ServerProcess } from '../helpers/server.js';

const FLOOD_KEYS = 6000;
const FLOOD_CONCURRENCY = 50;
const SOCKETS = 300;

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))];
const fmt = (xs: number[]) => `p50 ${quantile(xs, 0.5).toFixed(1)} ms, p95 ${quantile(xs, 0.95).toFixed(1)} ms over ${xs.length} posts`;

let server: ServerProcess;

beforeAll(async () => {
  server = await startServer({ env: { PUBLIC_DISPLAY: 'false' } });
});

afterAll(async () => {
  await server?.stop();
  if (server) removeDir(server.dataDir);
});

/** Single-event posts one after another until `done` settles (at least `min` of them). */
async function ingestWhile(done: Promise<unknown>, min = 20): Promise<number[]> {
  let finished = false;
  void done.finally(() => (finished = true));
  const times: number[] = [];
  while (!finished || times.length < min) {
    const started = performance.now();
    const answer = await postEvents(server.url, server.keys.ingest, [event({ delta: 1 })]);
    if (answer.status !== 200) throw new Error(`ingest failed: ${answer.status} ${JSON.stringify(answer.body)}`);
    times.push(performance.now() - started);
  }
  return times;
}

describe('access under abuse', () => {
  it('ingest latency alone, during a flood of made-up keys, and during a subscribe stampede', async () => {
    const alone = await ingestWhile(Promise.resolve(), 200);

    const statuses = new Map<number, number>();
    let next = 0;
    const flood = Promise.all(Array.from({ length: FLOOD_CONCURRENCY }, async () => {
      while (next < FLOOD_KEYS) {
        const i = next++;
        const answer = await send(server.url, '/api/v1/events', {
          method: 'POST', key: `td_ingest_guess_${i}_${Math.random().toString(36).slice(2)}`, from: '127.0.0.2', body: JSON.stringify({ events: [event()] }),
        });
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
      }
    }));
    const floodStarted = performance.now();
    const duringFlood = await ingestWhile(flood);
    const floodMs = performance.now() - floodStarted;

    const { key } = await createKey(server, 'display', '42', 'Màn hình mới');
    const stampede = Promise.all(Array.from({ length: SOCKETS }, async () => {
      const socket = await connected(server.url, { key });
      await socket.emitWithAck('subscribe', { campaign: 'ha-tinh', scope: '42' });
      return socket;
    }));
    const duringStampede = await ingestWhile(stampede);
    for (const socket of await stampede) socket.close();

    console.log(
      `ingest alone: ${fmt(alone)}\n` +
      `during ${FLOOD_KEYS} made-up keys from one address (${FLOOD_CONCURRENCY} at once, ${(floodMs / 1000).toFixed(1)} s; answers ${[...statuses].map(([s, n]) => `${n} × ${s}`).join(', ')}): ${fmt(duringFlood)}\n` +
      `during ${SOCKETS} sockets subscribing at once with a new key: ${fmt(duringStampede)}`,
    );
  });
});
