import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { packValues, type CampaignInfo, type ChangeMessage, type Coverage, type LiveReply, type SubscribeReply, type SubscribeRequest, type UnitCatalog, type UnitInfo, type UnitValues } from '@tiendo/shared';
import { LiveStore, type LiveSocket, type Refusal } from './live.svelte.js';

type Listener = (...args: any[]) => void;

/** Just enough of a Socket.IO client to drive the store: the test plays the server. */
class FakeSocket {
  connected = false;
  active = true;
  connects = 0;
  disconnects = 0;
  readonly listeners = new Map<string, Listener[]>();
  readonly subscribes: { request: SubscribeRequest; reply: (r: SubscribeReply) => void }[] = [];
  readonly unsubscribes: unknown[] = [];

  on(event: string, listener: Listener) {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  emit(event: string, ...args: any[]) {
    if (event === 'subscribe') this.subscribes.push({ request: args[0], reply: args[1] });
    if (event === 'unsubscribe') this.unsubscribes.push(args[0]);
    return this;
  }
  connect() {
    this.connects++;
    this.connected = true;
    this.fire('connect');
    return this;
  }
  disconnect() {
    this.disconnects++;
    this.connected = false;
    return this;
  }
  fire(event: string, ...args: unknown[]) {
    for (const listener of this.listeners.get(event) ?? []) listener(...args);
  }
  drop() {
    this.connected = false;
    this.fire('disconnect', 'transport close');
  }
  get lastSubscribe() {
    return this.subscribes.at(-1)!;
  }
}

const campaign: CampaignInfo = {
  id: 'ha-tinh', name: 'Chiến dịch', timeZone: 'Asia/Ho_Chi_Minh', startDate: '2023-01-01', rootUnit: '42',
  status: 'active', metrics: [{ key: 'cccd_intake', name: 'CCCD gắn chip' }], milestones: [], commitments: [],
};
const units: UnitInfo[] = [
  { code: '42', name: 'Hà Tĩnh', fullName: 'Tỉnh Hà Tĩnh', type: 'Tỉnh', level: 'province', parent: null },
  { code: '443', name: 'Can Lộc', fullName: 'Huyện Can Lộc', type: 'Huyện', level: 'district', parent: '42' },
  { code: '18550', name: 'Thạch Kênh', fullName: 'Xã Thạch Kênh', type: 'Xã', level: 'commune', parent: '443' },
];

function unit(code: string, value: number, target = 100, completedAt: number | null = null): UnitValues {
  return { code, metrics: { cccd_intake: { value, target, today: 0, last7: 0, completedAt } } };
}

function reply(kind: LiveReply['kind'], seq: number, serverTime: number, values: UnitValues[]): SubscribeReply {
  const body = new TextEncoder().encode(JSON.stringify({ ...(kind === 'snapshot' ? { campaign } : {}), values: packValues(values) }));
  return { ok: true, kind, campaign: 'ha-tinh', scope: '42', depth: null, epoch: 'e1', seq, serverTime, catalog: 'v1', encoding: 'identity', body };
}
const snapshotReply = (seq: number, values: UnitValues[]) => reply('snapshot', seq, 1_000_000, values);
const resumeReply = (seq: number, values: UnitValues[]) => reply('resume', seq, 2_000_000, values);

function change(prevSeq: number, seq: number, values: UnitValues[]): ChangeMessage {
  return { campaign: 'ha-tinh', scope: '42', depth: null, seq, prevSeq, serverTime: 1_000_000 + seq, values: packValues(values) };
}

/** The units, as their URL answers them. */
const loadUnits = async (coverage: Coverage): Promise<UnitCatalog> => ({ ...coverage, version: 'v1', units });

/** Lets a reply's decoding (promises only) finish. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

const valueOf = (store: LiveStore, code: string) => store.values.get(code)?.metrics.cccd_intake.value;

describe('LiveStore', () => {
  let socket: FakeSocket;
  let store: LiveStore;

  beforeEach(async () => {
    vi.useFakeTimers();
    socket = new FakeSocket();
    store = new LiveStore(socket as unknown as LiveSocket, loadUnits, () => Date.now());
    socket.connect();
    store.watch('ha-tinh', '42');
    socket.lastSubscribe.reply(snapshotReply(10, [unit('42', 50), unit('443', 50), unit('18550', 50)]));
    await settle();
  });
  afterEach(() => vi.useRealTimers());

  it('asks for a snapshot first and goes live with it', async () => {
    expect(socket.subscribes).toHaveLength(1);
    expect(socket.subscribes[0].request).toEqual({ campaign: 'ha-tinh', scope: '42', encoding: 'gzip' });
    expect(store.connection).toBe('live');
    expect(store.seq).toBe(10);
    expect(valueOf(store, '443')).toBe(50);
  });

  it('applies changes in order and ignores stale or repeated ones', async () => {
    socket.fire('changes', change(10, 12, [unit('443', 60)]));
    socket.fire('changes', change(10, 12, [unit('443', 60)]));
    socket.fire('changes', change(8, 9, [unit('443', 1)]));
    socket.fire('changes', change(12, 13, [unit('42', 61)]));
    expect(store.seq).toBe(13);
    expect(valueOf(store, '443')).toBe(60);
    expect(valueOf(store, '42')).toBe(61);
    expect(socket.subscribes).toHaveLength(1);
  });

  it('resumes from its last seq on a gap and replays what arrived meanwhile', async () => {
    socket.fire('changes', change(14, 15, [unit('443', 70)]));
    expect(socket.subscribes).toHaveLength(2);
    expect(socket.lastSubscribe.request).toEqual({ campaign: 'ha-tinh', scope: '42', encoding: 'gzip', since: 10, epoch: 'e1' });
    socket.fire('changes', change(15, 17, [unit('443', 75)]));
    expect(valueOf(store, '443')).toBe(50);

    socket.lastSubscribe.reply(resumeReply(15, [unit('443', 70), unit('18550', 55)]));
    await settle();
    expect(store.seq).toBe(17);
    expect(valueOf(store, '443')).toBe(75);
    expect(valueOf(store, '18550')).toBe(55);
  });

  it('keeps the last values through a drop and resumes on reconnect', async () => {
    socket.drop();
    expect(store.connection).toBe('offline');
    expect(valueOf(store, '443')).toBe(50);

    socket.connect();
    expect(store.connection).toBe('connecting');
    expect(socket.lastSubscribe.request).toEqual({ campaign: 'ha-tinh', scope: '42', encoding: 'gzip', since: 10, epoch: 'e1' });
    socket.lastSubscribe.reply(resumeReply(20, [unit('443', 90)]));
    await settle();
    expect(store.connection).toBe('live');
    expect(store.seq).toBe(20);
    expect(valueOf(store, '443')).toBe(90);
    expect(valueOf(store, '42')).toBe(50);
  });

  it('starts over from a snapshot when the server is behind its last seq', async () => {
    socket.drop();
    socket.connect();
    socket.lastSubscribe.reply(resumeReply(3, []));
    await settle();
    expect(socket.lastSubscribe.request).toEqual({ campaign: 'ha-tinh', scope: '42', encoding: 'gzip' });
    socket.lastSubscribe.reply(snapshotReply(3, [unit('42', 5), unit('443', 5), unit('18550', 5)]));
    await settle();
    expect(store.seq).toBe(3);
    expect(valueOf(store, '443')).toBe(5);
  });

  it('sends the subscribe again when no answer comes', async () => {
    socket.fire('changes', change(11, 12, []));
    expect(socket.subscribes).toHaveLength(2);
    vi.advanceTimersByTime(10_000);
    expect(socket.subscribes).toHaveLength(3);
    expect(socket.lastSubscribe.request.since).toBe(10);
  });

  it('reconnects by itself when the server was too busy to take the connection', async () => {
    socket.drop();
    socket.active = false;
    socket.fire('connect_error', Object.assign(new Error('too many attempts'), { data: { code: 'busy' } }));
    expect(store.connection).toBe('offline');
    const before = socket.connects;
    vi.advanceTimersByTime(5_000);
    expect(socket.connects).toBe(before + 1);
  });

  describe('a refused key', () => {
    let refused: Refusal[];
    beforeEach(() => {
      refused = [];
      socket = new FakeSocket();
      store = new LiveStore(socket as unknown as LiveSocket, loadUnits, () => Date.now(), (r) => refused.push(r));
      socket.connect();
      store.watch('ha-tinh', '42');
    });

    const expectGivenUp = (code: string) => {
      expect(store.connection).toBe('rejected');
      expect(store.refusal?.code).toBe(code);
      expect(refused.map((r) => r.code)).toEqual([code]);
      expect(socket.disconnects).toBe(1);
      const attempts = [socket.connects, socket.subscribes.length];
      vi.advanceTimersByTime(60_000);
      expect([socket.connects, socket.subscribes.length]).toEqual(attempts);
    };

    it('is refused at the handshake', async () => {
      socket.drop();
      socket.active = false;
      socket.fire('connect_error', Object.assign(new Error('Authorization: unknown or revoked api key'), { data: { code: 'unauthorized' } }));
      expectGivenUp('unauthorized');
    });

    it('is refused a subscription, keeping the values it had', async () => {
      socket.lastSubscribe.reply(snapshotReply(10, [unit('42', 50)]));
      await settle();
      socket.drop();
      socket.connect();
      socket.lastSubscribe.reply({ ok: false, code: 'forbidden', error: 'scope 42 is outside the key' });
      await settle();
      expectGivenUp('forbidden');
      expect(valueOf(store, '42')).toBe(50);
    });

    it('loses its access when the key is revoked', async () => {
      socket.lastSubscribe.reply(snapshotReply(10, [unit('42', 50)]));
      await settle();
      socket.fire('accessEnded', { code: 'unauthorized', message: 'the key was revoked' });
      socket.connected = false;
      socket.fire('disconnect', 'io server disconnect');
      expectGivenUp('unauthorized');
      expect(store.refusal?.message).toBe('the key was revoked');
    });

    it('is not a server that is merely busy', async () => {
      socket.lastSubscribe.reply({ ok: false, code: 'busy', error: 'too many subscriptions' });
      await settle();
      expect(store.connection).toBe('offline');
      expect(store.refusal).toBeNull();
      vi.advanceTimersByTime(5_000);
      expect(socket.subscribes).toHaveLength(2);
    });
  });

  it('fetches the units once per version: a reconnect that names the same version fetches nothing', async () => {
    const other = new FakeSocket();
    const asked: Coverage[] = [];
    let version = 'v1';
    const fresh = new LiveStore(other as unknown as LiveSocket, async (c) => {
      asked.push(c);
      return { ...c, version, units };
    });
    other.connect();
    fresh.watch('ha-tinh', '42');
    other.lastSubscribe.reply(snapshotReply(10, [unit('42', 50), unit('443', 50), unit('18550', 50)]));
    await settle();
    expect(asked).toHaveLength(1);
    expect(fresh.units).toEqual(units);
    other.drop();
    other.connect();
    other.lastSubscribe.reply(resumeReply(11, [unit('443', 51)]));
    await settle();
    expect(asked).toHaveLength(1);
    expect(valueOf(fresh, '443')).toBe(51);
    // The units changed on the server: the reply names another version.
    version = 'v2';
    other.drop();
    other.connect();
    other.lastSubscribe.reply({ ...(resumeReply(12, []) as LiveReply), catalog: 'v2' });
    await settle();
    expect(asked).toHaveLength(2);
    expect(fresh.seq).toBe(12);
  });

  it('covers the levels it follows, and names units below them from the records', async () => {
    const other = new FakeSocket();
    const fresh = new LiveStore(other as unknown as LiveSocket, loadUnits);
    other.connect();
    fresh.watch('ha-tinh', '42', 1);
    expect(other.lastSubscribe.request).toEqual({ campaign: 'ha-tinh', scope: '42', depth: 1, encoding: 'gzip' });
    other.lastSubscribe.reply({ ...(snapshotReply(10, [unit('42', 50), unit('443', 50)]) as LiveReply), depth: 1 });
    await settle();
    expect(fresh.covers('42', 1)).toBe(true);
    expect(fresh.covers('443')).toBe(true);
    expect(fresh.covers('443', 1)).toBe(false);
    const commune = units[2];
    other.fire('changes', { ...change(10, 11, []), depth: 1, activity: [{ unit: commune.code, metric: 'cccd_intake', delta: 2, occurredAt: 1 }], units: [commune] });
    expect(fresh.named.get(commune.code)).toEqual(commune);
    expect(fresh.feed[0]).toMatchObject({ kind: 'record', unit: commune.code });
  });

  it('counts as live when connected with nothing to follow (no campaign yet)', async () => {
    const other = new FakeSocket();
    const idle = new LiveStore(other as unknown as LiveSocket, loadUnits);
    other.connect();
    expect(idle.connection).toBe('live');
    expect(other.subscribes).toHaveLength(0);
  });

  it('announces completions and celebrates a district reaching its target', async () => {
    socket.fire('changes', change(10, 11, [unit('18550', 100, 100, 5), unit('443', 100, 100, 5)]));
    expect(store.feed.map((f) => [f.kind, f.unit])).toEqual([
      ['completion', '18550'],
      ['completion', '443'],
    ]);
    expect(store.celebration?.unit).toBe('443');
    socket.fire('changes', change(11, 12, [unit('443', 101, 100, 5)]));
    expect(store.feed).toHaveLength(2);
  });

  it('withdraws a completion a correction took back: the ticker says so and strikes the earlier one', async () => {
    socket.fire('changes', change(10, 11, [unit('18550', 100, 100, 5), unit('443', 100, 100, 5)]));
    socket.fire('changes', change(11, 12, [unit('18550', 97, 100, null), unit('443', 97, 100, null)]));
    expect(store.feed.map((f) => [f.kind, f.unit, f.kind === 'completion' ? Boolean(f.withdrawn) : null])).toEqual([
      ['withdrawal', '18550', null],
      ['withdrawal', '443', null],
      ['completion', '18550', true],
      ['completion', '443', true],
    ]);
    expect(store.celebration).toBeNull();
    // Complete again later: announced again.
    socket.fire('changes', change(12, 13, [unit('443', 100, 100, 9)]));
    expect(store.feed[0]).toMatchObject({ kind: 'completion', unit: '443', at: 9 });
  });

  it('drops what it holds and asks for a snapshot when the server follows another change log', async () => {
    socket.fire('heartbeat', { epoch: 'e1', seq: 10, serverTime: 1_000_000, clockRate: 1 });
    expect(socket.subscribes).toHaveLength(1);
    socket.fire('heartbeat', { epoch: 'e2', seq: 40, serverTime: 1_000_000, clockRate: 1 });
    expect(socket.subscribes).toHaveLength(2);
    expect(socket.lastSubscribe.request).toEqual({ campaign: 'ha-tinh', scope: '42', encoding: 'gzip' });
  });

  it('starts the ticker with the latest completions of the snapshot', async () => {
    const other = new FakeSocket();
    const fresh = new LiveStore(other as unknown as LiveSocket, loadUnits);
    other.connect();
    fresh.watch('ha-tinh', '42');
    other.lastSubscribe.reply(snapshotReply(10, [unit('42', 50), unit('443', 100, 100, 7), unit('18550', 100, 100, 9)]));
    await settle();
    expect(fresh.feed.map((f) => [f.kind, f.unit])).toEqual([['completion', '18550'], ['completion', '443']]);
    expect(fresh.celebration).toBeNull();
  });

  it('puts the records a change brings on the feed, newest first', async () => {
    socket.fire('changes', { ...change(10, 11, []), activity: [
      { unit: '18550', metric: 'cccd_intake', delta: 3, occurredAt: 1 },
      { unit: '18550', metric: 'cccd_intake', delta: 4, occurredAt: 2 },
    ] });
    socket.fire('changes', { ...change(11, 12, []), scope: '443', activity: [{ unit: '18550', metric: 'cccd_intake', delta: 9, occurredAt: 3 }] });
    expect(store.feed.map((f) => (f.kind === 'record' ? f.delta : 0))).toEqual([4, 3]);
  });

  it('leaves the old scope when it follows another', async () => {
    store.watch('ha-tinh', '443');
    expect(socket.unsubscribes).toEqual([{ campaign: 'ha-tinh', scope: '42', depth: null }]);
    expect(socket.lastSubscribe.request).toEqual({ campaign: 'ha-tinh', scope: '443', encoding: 'gzip' });
    socket.fire('changes', change(10, 11, [unit('443', 99)]));
    expect(valueOf(store, '443')).toBe(50);
  });

  it("runs the wall clock on the server's time, at the server's rate", async () => {
    const t0 = Date.now();
    socket.fire('heartbeat', { epoch: 'e1', seq: 10, serverTime: 5_000_000, clockRate: 1 });
    vi.advanceTimersByTime(2000);
    expect(store.serverNow()).toBe(5_002_000);

    socket.fire('heartbeat', { epoch: 'e1', seq: 10, serverTime: 9_000_000, clockRate: 60 });
    vi.advanceTimersByTime(1000);
    expect(store.serverNow()).toBe(9_060_000);
    // The replay ended: its clock stands still although the rate is still declared.
    socket.fire('heartbeat', { epoch: 'e1', seq: 10, serverTime: 9_060_000, clockRate: 60 });
    vi.advanceTimersByTime(5000);
    socket.fire('heartbeat', { epoch: 'e1', seq: 10, serverTime: 9_060_000, clockRate: 60 });
    vi.advanceTimersByTime(5000);
    expect(store.serverNow()).toBe(9_060_000);
    expect(Date.now() - t0).toBe(13_000);
  });
});
