/**
 * The live connection: the only module that talks Socket.IO. It holds the scope's snapshot and
 * keeps it equal to the server: changes are applied in sequence order, a gap or a reconnect
 * resumes from the last sequence number, and the last values stay on screen while offline.
 * A refused key (unknown, revoked, or not allowed the scope) ends the connection for good: a
 * screen cannot mend that by retrying, so it says why and waits for a person.
 */
import { io, type Socket } from 'socket.io-client';
import {
  classifyChange,
  mergeValues,
  type ActivityMessage,
  type CampaignInfo,
  type ChangeMessage,
  type ClientToServerEvents,
  type Heartbeat,
  type MapChangedMessage,
  type RefusalCode,
  type ServerToClientEvents,
  type SubscribeReply,
  type UnitInfo,
  type UnitValues,
} from '@tiendo/shared';

export type LiveSocket = Pick<
  Socket<ServerToClientEvents, ClientToServerEvents>,
  'on' | 'emit' | 'connect' | 'disconnect' | 'connected' | 'active'
>;

/** Why the server will not show this screen anything: its key is unknown, revoked or out of scope. */
export interface Refusal {
  code: Extract<RefusalCode, 'unauthorized' | 'forbidden'>;
  message: string;
}

const isRefusal = (code: unknown): code is Refusal['code'] => code === 'unauthorized' || code === 'forbidden';

export type ConnectionState = 'connecting' | 'live' | 'offline' | 'rejected';

export type FeedItem =
  | { kind: 'record'; id: number; unit: string; metric: string; delta: number; at: number }
  /** `withdrawn`: a later correction took the unit back below its target. */
  | { kind: 'completion'; id: number; unit: string; metric: string; at: number; withdrawn?: boolean }
  /** A correction took a completed unit back below its target. */
  | { kind: 'withdrawal'; id: number; unit: string; metric: string; at: number };

/** A district (or the whole scope) has just reached its target. */
export interface Completion {
  id: number;
  unit: string;
  metric: string;
}

/** How long a subscribe may stay unanswered before it is sent again. */
const SUBSCRIBE_TIMEOUT_MS = 10_000;
/** Delay before reconnecting when the server refused or closed the connection. */
const RETRY_MS = 5_000;
const FEED_LENGTH = 40;

export class LiveStore {
  connection = $state<ConnectionState>('connecting');
  campaign = $state.raw<CampaignInfo | null>(null);
  /** The scope the values belong to (the root of `units`). */
  scope = $state<string | null>(null);
  units = $state.raw<UnitInfo[]>([]);
  values = $state.raw<ReadonlyMap<string, UnitValues>>(new Map());
  seq = $state(0);
  /** The change log `seq` belongs to. */
  epoch: string | null = null;
  /** Client clock at the last message of any kind from the server: the freshness shown. */
  lastContact = $state<number | null>(null);
  /**
   * The server's clock as last heard (server time at a client time, and how fast it runs: a
   * replayed past campaign runs faster than real time), so the wall shows the server's time.
   */
  clock = $state.raw({ server: 0, client: 0, rate: 1 });
  feed = $state.raw<FeedItem[]>([]);
  celebration = $state.raw<Completion | null>(null);
  /** The last boundary map an admin confirmed, while this screen was connected. */
  mapChange = $state.raw<MapChangedMessage | null>(null);
  /** Set once the server refused the key; nothing is retried after it. */
  refusal = $state.raw<Refusal | null>(null);

  #socket: LiveSocket;
  #now: () => number;
  #want: { campaign: string; scope: string } | null = null;
  #attempt = 0;
  #pending = false;
  #buffer: ChangeMessage[] = [];
  #subscribeTimer: ReturnType<typeof setTimeout> | undefined;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #nextId = 1;
  #onRefused: (refusal: Refusal) => void;

  constructor(socket: LiveSocket, now: () => number = Date.now, onRefused: (refusal: Refusal) => void = () => {}) {
    this.#socket = socket;
    this.#now = now;
    this.#onRefused = onRefused;
    socket.on('connect', () => {
      // With nothing to follow yet (no campaign on the server), being connected is all there is.
      this.connection = this.#want ? 'connecting' : 'live';
      this.#subscribe();
    });
    socket.on('disconnect', (reason) => {
      if (this.refusal) return;
      this.connection = 'offline';
      this.#pending = false;
      this.#buffer = [];
      // Socket.IO does not reconnect by itself after the server closed the connection (after
      // the server ended the key's access, nothing would come of it: see the return above).
      if (reason === 'io server disconnect') this.#retry(() => socket.connect());
    });
    socket.on('connect_error', (error) => {
      const code = (error as Error & { data?: { code?: unknown } }).data?.code;
      if (isRefusal(code)) return this.#refuse({ code, message: error.message });
      this.connection = 'offline';
      // A refusal by the server's middleware stops the automatic reconnection; a TV keeps trying.
      if (!socket.active) this.#retry(() => socket.connect());
    });
    socket.on('accessEnded', (message) => {
      if (isRefusal(message.code)) this.#refuse({ code: message.code, message: message.message });
    });
    socket.on('changes', (message) => this.#onChanges(message));
    socket.on('heartbeat', (message) => this.#onHeartbeat(message));
    socket.on('activity', (message) => this.#onActivity(message));
    socket.on('mapChanged', (message) => (this.mapChange = message));
    // An admin changed the campaign (milestones, targets): what is held is no longer its shape.
    socket.on('campaignChanged', ({ campaign }) => {
      if (campaign === this.#want?.campaign) this.#subscribe(true);
    });
  }

  /** The server's clock now, as best known (the client's until the server is heard). */
  serverNow(clientNow = this.#now()): number {
    const { server, client, rate } = this.clock;
    return client === 0 ? clientNow : server + (clientNow - client) * rate;
  }

  #setClock(serverTime: number, clientNow: number, rate = this.clock.rate): void {
    this.clock = { server: serverTime, client: clientNow, rate };
  }

  /** Whether the values held include this unit (the scope or one of its descendants). */
  covers(code: string): boolean {
    return this.units.some((u) => u.code === code);
  }

  /** Follow a scope of a campaign; switching scope drops the old values. */
  watch(campaign: string, scope: string): void {
    if (this.#want?.campaign === campaign && this.#want.scope === scope) return;
    if (this.#want && this.#socket.connected) this.#socket.emit('unsubscribe', this.#want);
    this.#want = { campaign, scope };
    this.#pending = false;
    this.#buffer = [];
    this.#subscribe();
  }

  #holdsWanted(): boolean {
    return this.campaign?.id === this.#want?.campaign && this.scope === this.#want?.scope && this.seq > 0;
  }

  #subscribe(fresh = false): void {
    const want = this.#want;
    if (!want || !this.#socket.connected || this.#pending) return;
    this.#pending = true;
    const attempt = ++this.#attempt;
    const since = !fresh && this.#holdsWanted() ? this.seq : undefined;
    clearTimeout(this.#subscribeTimer);
    this.#subscribeTimer = setTimeout(() => {
      if (attempt !== this.#attempt || !this.#pending) return;
      this.#pending = false;
      this.#subscribe();
    }, SUBSCRIBE_TIMEOUT_MS);
    const request = since === undefined ? { ...want } : { ...want, since, epoch: this.epoch ?? undefined };
    this.#socket.emit('subscribe', request, (reply) => {
      if (attempt === this.#attempt && this.#pending) this.#onReply(reply, since);
    });
  }

  #onReply(reply: SubscribeReply, since: number | undefined): void {
    this.#pending = false;
    clearTimeout(this.#subscribeTimer);
    if (!reply.ok) {
      if (isRefusal(reply.code)) return this.#refuse({ code: reply.code, message: reply.error });
      this.connection = 'offline';
      this.#retry(() => this.#subscribe());
      return;
    }
    const clientNow = this.#now();
    if (reply.kind === 'snapshot') {
      const { snapshot } = reply;
      const sameScope = this.#holdsWanted();
      if (sameScope) this.#noteCompletions(snapshot.values);
      else this.feed = this.#recentCompletions(snapshot.values);
      this.campaign = snapshot.campaign;
      this.scope = snapshot.scope;
      this.units = snapshot.units;
      this.values = new Map(snapshot.values.map((v) => [v.code, v]));
      this.seq = snapshot.seq;
      this.epoch = snapshot.epoch;
      this.#setClock(snapshot.serverTime, clientNow);
    } else {
      if (since !== undefined && reply.seq < since) {
        // The server's log is behind ours (a fresh database): start over from a snapshot.
        this.#subscribe(true);
        return;
      }
      this.#merge(reply.values);
      this.seq = reply.seq;
      this.#setClock(reply.serverTime, clientNow);
    }
    this.connection = 'live';
    this.lastContact = clientNow;
    const buffered = this.#buffer.sort((a, b) => a.seq - b.seq);
    this.#buffer = [];
    for (const message of buffered) this.#onChanges(message);
  }

  #onChanges(message: ChangeMessage): void {
    if (message.campaign !== this.#want?.campaign || message.scope !== this.#want.scope) return;
    this.lastContact = this.#now();
    if (this.#pending) {
      this.#buffer.push(message);
      return;
    }
    const outcome = classifyChange(this.seq, message);
    if (outcome === 'stale') return;
    if (outcome === 'gap') {
      this.#buffer.push(message);
      this.#subscribe();
      return;
    }
    this.#merge(message.values);
    this.seq = message.seq;
    this.#setClock(message.serverTime, this.lastContact);
  }

  #onHeartbeat(message: Heartbeat): void {
    // Another change log (the database was reset or restored): what is held cannot be resumed.
    if (this.epoch !== null && message.epoch !== this.epoch && this.#holdsWanted()) {
      this.epoch = null;
      this.seq = 0;
      this.#subscribe(true);
    }
    const clientNow = this.#now();
    this.lastContact = clientNow;
    const rate = message.clockRate ?? 1;
    // A replay's clock stops at its last day while still declaring its rate: trust what is seen.
    const { server, client } = this.clock;
    const seen = client > 0 && clientNow > client ? (message.serverTime - server) / (clientNow - client) : rate;
    this.#setClock(message.serverTime, clientNow, rate === 1 ? 1 : Math.max(0, Math.min(rate, seen)));
  }

  #onActivity(message: ActivityMessage): void {
    if (message.campaign !== this.#want?.campaign || message.scope !== this.#want.scope) return;
    const items: FeedItem[] = message.items.map((item) => ({
      kind: 'record', id: this.#nextId++, unit: item.unit, metric: item.metric, delta: item.delta, at: item.occurredAt,
    }));
    this.feed = [...items.reverse(), ...this.feed].slice(0, FEED_LENGTH);
  }

  #merge(values: readonly UnitValues[]): void {
    this.#noteCompletions(values);
    const next = new Map(this.values);
    mergeValues(next, values);
    this.values = next;
  }

  /**
   * A unit whose completedAt turns non-null has just reached its target; one whose completedAt
   * turns null was taken back below it by a correction, and its earlier completion is struck.
   */
  #noteCompletions(values: readonly UnitValues[]): void {
    const completions: FeedItem[] = [];
    const withdrawn = new Set<string>();
    for (const unit of values) {
      const before = this.values.get(unit.code);
      if (!before) continue;
      for (const [metric, value] of Object.entries(unit.metrics)) {
        const was = before.metrics[metric];
        if (value.completedAt == null && was?.completedAt != null) {
          withdrawn.add(`${unit.code}|${metric}`);
          completions.push({ kind: 'withdrawal', id: this.#nextId++, unit: unit.code, metric, at: this.serverNow() });
          continue;
        }
        if (value.completedAt == null || (was && was.completedAt != null)) continue;
        const id = this.#nextId++;
        completions.push({ kind: 'completion', id, unit: unit.code, metric, at: value.completedAt });
        const level = this.units.find((u) => u.code === unit.code)?.level;
        if (unit.code === this.scope || level === 'district' || level === 'province') {
          this.celebration = { id, unit: unit.code, metric };
        }
      }
    }
    if (!completions.length) return;
    const feed = withdrawn.size
      ? this.feed.map((item) => (item.kind === 'completion' && withdrawn.has(`${item.unit}|${item.metric}`) ? { ...item, withdrawn: true } : item))
      : this.feed;
    this.feed = [...completions, ...feed].slice(0, FEED_LENGTH);
    if (this.celebration && withdrawn.has(`${this.celebration.unit}|${this.celebration.metric}`)) this.celebration = null;
  }

  /** A fresh screen's ticker starts with the latest completions, not empty. */
  #recentCompletions(values: readonly UnitValues[]): FeedItem[] {
    const done: FeedItem[] = [];
    for (const unit of values) {
      for (const [metric, value] of Object.entries(unit.metrics)) {
        if (value.completedAt != null) {
          done.push({ kind: 'completion', id: 0, unit: unit.code, metric, at: value.completedAt });
        }
      }
    }
    return done
      .sort((a, b) => b.at - a.at)
      .slice(0, FEED_LENGTH)
      .map((item) => ({ ...item, id: this.#nextId++ }));
  }

  #refuse(refusal: Refusal): void {
    if (this.refusal) return;
    this.refusal = refusal;
    this.connection = 'rejected';
    this.#pending = false;
    clearTimeout(this.#subscribeTimer);
    clearTimeout(this.#retryTimer);
    this.#socket.disconnect();
    this.#onRefused(refusal);
  }

  #retry(action: () => void): void {
    clearTimeout(this.#retryTimer);
    this.#retryTimer = setTimeout(action, RETRY_MS);
  }
}

/** The browser's connection: same origin, default path, the display key in the handshake. */
export function connectLive(key: string | null, onRefused?: (refusal: Refusal) => void): LiveStore {
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io({
    auth: key ? { key } : {},
    transports: ['websocket', 'polling'],
    tryAllTransports: true,
    reconnectionDelayMax: 10_000,
  });
  return new LiveStore(socket, Date.now, onRefused);
}
