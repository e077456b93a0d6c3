/**
 * The live connection: the only module that talks Socket.IO. It holds the scope's snapshot and
 * keeps it equal to the server: changes are applied in sequence order, a gap or a reconnect
 * resumes from the last sequence number, and the last values stay on screen while offline.
 * The units come apart from the values, from their own URL, and are fetched again only when
 * the version a reply names is not the one held: a reconnect costs the values that changed.
 * A refused key (unknown, revoked, or not allowed the scope) ends the connection for good: a
 * screen cannot mend that by retrying, so it says why and waits for a person.
 */
import { io, type Socket } from 'socket.io-client';
import {
  BODY_ENCODING,
  classifyChange,
  mergeValues,
  readBody,
  sameCoverage,
  unpackValues,
  type CampaignInfo,
  type ChangeMessage,
  type ClientToServerEvents,
  type Coverage,
  type Heartbeat,
  type LiveReply,
  type MapChangedMessage,
  type RefusalCode,
  type ServerToClientEvents,
  type SubscribeReply,
  type SubscribeRequest,
  type UnitCatalog,
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

/** Fetches the units of a subscription (the catalog's own URL). */
export type UnitLoader = (coverage: Coverage) => Promise<UnitCatalog>;

const coverageKey = (c: Coverage) => `${c.campaign}|${c.scope}|${c.depth}`;

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
  /** How many levels below the scope are held; null: all. */
  depth = $state<number | null>(null);
  units = $state.raw<UnitInfo[]>([]);
  /** Units below the levels held, as records named them: the ticker's names for them. */
  named = $state.raw<ReadonlyMap<string, UnitInfo>>(new Map());
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
  #loadUnits: UnitLoader;
  #want: Coverage | null = null;
  /** Catalogs fetched or being fetched, by coverage. */
  #catalogs = new Map<string, Promise<UnitCatalog>>();
  /** The version of `units`. */
  #catalog: string | null = null;
  /** `units` by code; state, so that `covers` is followed by what reads it. */
  #byCode = $state.raw(new Map<string, UnitInfo>());
  #attempt = 0;
  #pending = false;
  #buffer: ChangeMessage[] = [];
  #subscribeTimer: ReturnType<typeof setTimeout> | undefined;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #nextId = 1;
  #onRefused: (refusal: Refusal) => void;

  constructor(socket: LiveSocket, loadUnits: UnitLoader, now: () => number = Date.now, onRefused: (refusal: Refusal) => void = () => {}) {
    this.#socket = socket;
    this.#loadUnits = loadUnits;
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

  /**
   * Whether the values held include this unit (the scope or one of its descendants) and the
   * `below` levels under it.
   */
  covers(code: string, below = 0): boolean {
    const { scope, depth } = this;
    const byCode = this.#byCode;
    if (scope === null || !byCode.has(code)) return false;
    if (depth === null) return true;
    let distance = 0;
    for (let unit = byCode.get(code); unit && unit.code !== scope; unit = byCode.get(unit.parent ?? '')) distance++;
    return distance + below <= depth;
  }

  /**
   * Follow a scope of a campaign down to `depth` levels (null: all); switching drops the old
   * values. Its units are asked for at once, beside the subscription.
   */
  watch(campaign: string, scope: string, depth: number | null = null): void {
    const want = { campaign, scope, depth };
    if (this.#want && sameCoverage(this.#want, want)) return;
    if (this.#want && this.#socket.connected) this.#socket.emit('unsubscribe', this.#want);
    this.#want = want;
    this.#pending = false;
    this.#buffer = [];
    void this.#units(want).catch(() => {});
    this.#subscribe();
  }

  #holdsWanted(): boolean {
    const want = this.#want;
    return want !== null && this.campaign?.id === want.campaign && this.scope === want.scope && this.depth === want.depth && this.seq > 0;
  }

  /** The units of a coverage, fetched once per version. */
  #units(coverage: Coverage, version?: string): Promise<UnitCatalog> {
    const key = coverageKey(coverage);
    const held = this.#catalogs.get(key);
    if (held && version === undefined) return held;
    const fetched = (held ?? Promise.reject(new Error('none')))
      .catch(() => null)
      .then((catalog) => (catalog && catalog.version === version ? catalog : this.#loadUnits(coverage)));
    this.#catalogs.set(key, fetched);
    // A failed fetch is asked again by the next reply.
    fetched.catch(() => this.#catalogs.get(key) === fetched && this.#catalogs.delete(key));
    return fetched;
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
    const { campaign, scope, depth } = want;
    const request: SubscribeRequest = {
      campaign, scope, encoding: BODY_ENCODING, ...(depth === null ? {} : { depth }), ...(since === undefined ? {} : { since, epoch: this.epoch ?? undefined }),
    };
    this.#socket.emit('subscribe', request, (reply) => {
      if (attempt === this.#attempt && this.#pending) void this.#onReply(reply, since, attempt);
    });
  }

  async #onReply(reply: SubscribeReply, since: number | undefined, attempt: number): Promise<void> {
    clearTimeout(this.#subscribeTimer);
    if (!reply.ok) {
      this.#pending = false;
      if (isRefusal(reply.code)) return this.#refuse({ code: reply.code, message: reply.error });
      this.connection = 'offline';
      this.#retry(() => this.#subscribe());
      return;
    }
    // Changes that arrive meanwhile wait in the buffer: the subscription is pending until applied.
    let decoded: [Awaited<ReturnType<typeof readBody>>, UnitCatalog];
    try {
      decoded = await Promise.all([readBody(reply), this.#units(reply, reply.catalog)]);
    } catch {
      if (attempt !== this.#attempt) return;
      this.#pending = false;
      this.connection = 'offline';
      this.#retry(() => this.#subscribe());
      return;
    }
    if (attempt !== this.#attempt || !this.#pending) return;
    this.#pending = false;
    this.#apply(reply, since, decoded[0].campaign, unpackValues(decoded[0].values), decoded[1]);
  }

  #apply(reply: LiveReply, since: number | undefined, campaign: CampaignInfo | undefined, values: UnitValues[], catalog: UnitCatalog): void {
    const clientNow = this.#now();
    if (reply.kind === 'resume' && since !== undefined && reply.seq < since) {
      // The server's log is behind ours (a fresh database): start over from a snapshot.
      this.#subscribe(true);
      return;
    }
    if (catalog.version !== this.#catalog || !this.#holdsWanted()) {
      this.units = catalog.units;
      this.#byCode = new Map(catalog.units.map((u) => [u.code, u]));
      this.#catalog = catalog.version;
    }
    if (reply.kind === 'snapshot') {
      if (this.#holdsWanted()) this.#noteCompletions(values);
      else this.feed = this.#recentCompletions(values);
      if (campaign) this.campaign = campaign;
      this.scope = reply.scope;
      this.depth = reply.depth;
      this.values = new Map(values.map((v) => [v.code, v]));
      this.epoch = reply.epoch;
    } else {
      this.#merge(values);
    }
    this.seq = reply.seq;
    this.#setClock(reply.serverTime, clientNow);
    this.connection = 'live';
    this.lastContact = clientNow;
    const buffered = this.#buffer.sort((a, b) => a.seq - b.seq);
    this.#buffer = [];
    for (const message of buffered) this.#onChanges(message);
  }

  #onChanges(message: ChangeMessage): void {
    if (!this.#want || !sameCoverage(message, this.#want)) return;
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
    this.#merge(unpackValues(message.values));
    this.#onActivity(message);
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

  /** The records a change message brings go on the ticker. */
  #onActivity(message: ChangeMessage): void {
    if (message.units?.length) this.named = new Map([...this.named, ...message.units.map((u) => [u.code, u] as const)]);
    if (!message.activity?.length) return;
    const items: FeedItem[] = message.activity.map((item) => ({
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
export function connectLive(key: string | null, loadUnits: UnitLoader, onRefused?: (refusal: Refusal) => void): LiveStore {
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io({
    auth: key ? { key } : {},
    transports: ['websocket', 'polling'],
    tryAllTransports: true,
    reconnectionDelayMax: 10_000,
  });
  return new LiveStore(socket, loadUnits, Date.now, onRefused);
}
