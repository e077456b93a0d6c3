import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { COALESCE_MS, HEARTBEAT_MS } from '@tiendo/shared';
import { LiveGateway } from './live.gateway.js';

/**
 * The gateway with what it needs of its services: one room on the province, and a send that
 * takes `sendMs` of the clock, as writing to thousands of sockets does.
 */
function gatewayWithSlowSend(sendMs: number) {
  let applied: () => void = () => {};
  const changes: string[][] = [];
  const tree = { ancestry: (code: string) => [{ code }, { code: '42' }], values: () => [], within: () => true };
  const live = {
    onApplied: (listener: () => void) => (applied = listener),
    onReloaded: () => {},
    drain: () => changes.splice(0).map((changed) => ({ campaign: 'ha-tinh', seq: 1, changed: new Set(changed), activity: [] })),
    tree: () => tree,
    epoch: 'e', seq: 1,
  };
  const sent: number[] = [];
  const heartbeats: string[] = [];
  const server = {
    use: () => {},
    of: () => ({ adapter: { on: () => {} } }),
    to: (room: string) => ({
      emit: (event: string) => {
        if (event === 'heartbeat') heartbeats.push(room);
        if (event !== 'changes') return;
        sent.push(Date.now());
        vi.setSystemTime(Date.now() + sendMs);
      },
    }),
  };
  const gateway = new LiveGateway(live as never, { onRevoked: () => {} } as never, { now: () => Date.now(), rate: 1 } as never, { onChanged: () => {} } as never);
  Object.assign(gateway, { server });
  gateway.afterInit(server as never);
  (gateway as unknown as { joinRoom(c: object): unknown }).joinRoom({ campaign: 'ha-tinh', scope: '42', depth: null });
  const change = (code: string) => {
    changes.push([code]);
    applied();
  };
  return { gateway, sent, heartbeats, change };
}

describe('live gateway: coalescing', () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());

  it('counts the window from the start of a send, however long the send takes', async () => {
    const { gateway, sent, change } = gatewayWithSlowSend(150);
    change('18586');
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toEqual([1_000_000]);
    // The send ended at +150; a change at +260 is past the window that began at +0.
    vi.setSystemTime(1_000_260);
    change('18070');
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toEqual([1_000_000, 1_000_260]);
    gateway.onApplicationShutdown();
  });

  it('gathers a change inside the window until the window ends', async () => {
    const { gateway, sent, change } = gatewayWithSlowSend(0);
    change('18586');
    await vi.advanceTimersByTimeAsync(0);
    vi.setSystemTime(1_000_100);
    change('18070');
    await vi.advanceTimersByTimeAsync(COALESCE_MS - 101);
    expect(sent).toEqual([1_000_000]);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent).toEqual([1_000_000, 1_000_000 + COALESCE_MS]);
    gateway.onApplicationShutdown();
  });
});

describe('live gateway: heartbeats', () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());

  it('reaches every screen once per interval, a slice of the screens at a time', async () => {
    const { gateway, heartbeats } = gatewayWithSlowSend(0);
    const joined = new Map<string, string[]>();
    for (let i = 0; i < 1000; i++) {
      const id = `s${i}`;
      gateway.handleConnection({ join: (room: string) => joined.set(id, [...(joined.get(id) ?? []), room]) } as never);
    }
    await vi.advanceTimersByTimeAsync(HEARTBEAT_MS);
    // Each screen is in one slice, and each slice got one heartbeat in the interval.
    const members = new Map<string, number>();
    for (const rooms of joined.values()) {
      expect(rooms).toHaveLength(1);
      members.set(rooms[0], (members.get(rooms[0]) ?? 0) + 1);
    }
    expect([...heartbeats].sort()).toEqual([...members.keys()].sort());
    // No heartbeat goes to more than a twentieth of the screens.
    expect(Math.max(...members.values())).toBeLessThanOrEqual(1000 / 20);
    gateway.onApplicationShutdown();
  });
});
