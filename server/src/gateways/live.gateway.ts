/**
 * The socket side of the live state. A client subscribes to a scope of a campaign, down to the
 * levels it draws, and gets a snapshot (or, resuming, the values changed since its sequence
 * number); then each room gets the absolute values of its units that changed, at most one
 * message per COALESCE_MS: a change after a quiet spell goes out at once, a burst is gathered
 * until the window ends.
 *
 * Build once, send many: a reply's body is built, serialized and compressed once per scope,
 * depth and sequence number, and every socket asking gets the same bytes (a binary attachment,
 * which Socket.IO writes as it is); a room's change message, with the records for its ticker, is
 * encoded once for all its sockets.
 * The unit catalog is not in the reply: a screen fetches it from its own URL, again only when
 * the version the reply names is not the one it holds.
 *
 * Access is decided when a socket connects: its key (or, on a public display, none) is checked
 * once, and a refused socket never connects. A socket may follow a few scopes and subscribe at
 * a bounded rate, so one client cannot occupy the service; however many screens ask for the
 * same scope at once, its snapshot is built once per sequence number. When a key is revoked,
 * on this instance or another, its sockets are told why and disconnected.
 */
import {
  BadRequestException, HttpException, HttpStatus, Logger, UnauthorizedException, type OnApplicationShutdown,
} from '@nestjs/common';
import {
  ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway, WebSocketServer,
  type OnGatewayConnection, type OnGatewayInit,
} from '@nestjs/websockets';
import {
  COALESCE_MS, HEARTBEAT_MS, packValues,
  type BodyEncoding, type ClientToServerEvents, type Coverage, type RefusalCode, type ServerToClientEvents, type SubscribeReply, type UnitInfo,
} from '@tiendo/shared';
import { describeIssues, subscribeRequestSchema } from '@tiendo/shared/schemas';
import type { DefaultEventsMap, Server, Socket } from 'socket.io';
import { boundMessage, isDatabaseUnavailable } from '../common/errors.filter.js';
import { SESSION_COOKIE } from '../admin/sessions.service.js';
import { cookie } from '../common/credentials.js';
import { AuthService, PUBLIC, TooManyAttemptsException, type Principal } from '../services/auth.service.js';
import { Clock } from '../services/clock.js';
import { LiveService } from '../services/live.service.js';
import type { LiveTree } from '../services/live-tree.js';
import { MapsService } from '../services/maps.service.js';

/** What the server knows of each socket. */
interface SocketData {
  principal: Principal;
  /** The key it connected with; none on a public display. */
  key: string | null;
  /** The rooms it follows. */
  rooms: Set<string>;
  /** Subscribe calls it may still make now, refilled with time. */
  allowance: { calls: number; at: number };
  /** Its access has ended; it is being disconnected. */
  ended: boolean;
}

type LiveServer = Server<ClientToServerEvents, ServerToClientEvents, DefaultEventsMap, SocketData>;
type LiveSocket = Socket<ClientToServerEvents, ServerToClientEvents, DefaultEventsMap, SocketData>;

const roomName = (c: Coverage) => `${c.campaign}|${c.scope}|${c.depth ?? '*'}`;

/** A room: the sockets following one coverage, and the last sequence number it was sent. */
interface Room extends Coverage {
  name: string;
  lastSeq: number;
}
/**
 * Every admitted socket is in one of these rooms, and heartbeats go to one of them in turn. Sent
 * to every socket at once, a heartbeat holds the process for as long as a change message does
 * (about 200 ms at 5,000 sockets), and a change arriving then waits that long; a twentieth of it
 * does not. Each screen still gets one every HEARTBEAT_MS. Map changes go to all of them.
 */
const BEATS = Array.from({ length: 20 }, (_, i) => `#beat${i}`);

/** Scopes one socket may follow at once: a wall shows one, a district page a few. */
export const MAX_SUBSCRIPTIONS = 8;
/** Subscribe calls: a burst of this many, then this many per second. */
const SUBSCRIBE_BURST = 20;
const SUBSCRIBES_PER_SECOND = 4;
/** Reply bodies kept for the current sequence number: scopes × depths × resume points. */
const CACHED_BODIES = 256;

class BusyException extends HttpException {
  constructor(message: string) {
    super(message, HttpStatus.TOO_MANY_REQUESTS);
  }
}

@WebSocketGateway({ serveClient: false, pingInterval: 10_000, pingTimeout: 10_000 })
export class LiveGateway implements OnGatewayInit, OnGatewayConnection, OnApplicationShutdown {
  private readonly logger = new Logger(LiveGateway.name);
  /** Rooms by name; their lastSeq is the next message's prevSeq. */
  private readonly rooms = new Map<string, Room>();
  /** Rooms by campaign and scope: a changed unit finds its rooms through its ancestors. */
  private readonly roomsByScope = new Map<string, Room[]>();
  /** Reply bodies by coverage, resume point, sequence number, epoch and encoding; emptied at each flush. */
  private readonly bodies = new Map<string, Buffer>();
  private timers: NodeJS.Timeout[] = [];
  private lastFlush = 0;
  private pending: NodeJS.Timeout | null = null;
  /** Sockets admitted and heartbeats sent: each picks the next of BEATS. */
  private joined = 0;
  private beats = 0;

  @WebSocketServer()
  private server!: LiveServer;

  constructor(
    private readonly live: LiveService,
    private readonly auth: AuthService,
    private readonly clock: Clock,
    private readonly maps: MapsService,
  ) {}

  afterInit(server: LiveServer): void {
    server.use((socket, next) => {
      this.admit(socket).then(() => next(), (error: unknown) => {
        const refusal = this.refusal(error);
        next(Object.assign(new Error(refusal.message), { data: refusal.data }));
      });
    });
    server.of('/').adapter.on('delete-room', (name: string) => this.removeRoom(name));
    this.live.onApplied(() => this.scheduleFlush());
    // A new boundary map goes to every screen, whatever it is subscribed to.
    this.maps.onChanged((message) => server.to(BEATS).emit('mapChanged', message));
    this.auth.onRevoked((keyId) => void this.endRevoked(keyId));
    // A campaign's definition changed (milestones, targets, status): its screens subscribe afresh.
    this.live.onReloaded((campaigns) => {
      this.bodies.clear();
      for (const campaign of campaigns) {
        for (const [name, room] of this.rooms) if (room.campaign === campaign) server.to(name).emit('campaignChanged', { campaign });
      }
      this.scheduleFlush();
    });
    this.timers.push(
      // Also turns the local day on screens when nothing is being reported.
      setInterval(() => this.scheduleFlush(), 1000),
      setInterval(() => {
        const beat = BEATS[this.beats++ % BEATS.length];
        server.to(beat).emit('heartbeat', { epoch: this.live.epoch, seq: this.live.seq, serverTime: this.clock.now(), clockRate: this.clock.rate });
      }, HEARTBEAT_MS / BEATS.length),
    );
  }

  handleConnection(socket: LiveSocket): void {
    void socket.join(BEATS[this.joined++ % BEATS.length]);
  }

  onApplicationShutdown(): void {
    for (const t of this.timers) clearInterval(t);
    if (this.pending) clearTimeout(this.pending);
  }

  private scheduleFlush(): void {
    if (this.pending) return;
    const wait = Math.max(0, this.lastFlush + COALESCE_MS - Date.now());
    this.pending = setTimeout(() => {
      this.pending = null;
      // Counted from the start of a send: writing to thousands of sockets takes a good part of
      // the window, and counting from its end would stretch every window by that much.
      const started = Date.now();
      if (this.flush()) this.lastFlush = started;
    }, wait);
  }

  /**
   * Checks the key of a connecting socket, or the session of a signed-in person's browser: no
   * key is enough only on a public display.
   */
  private async admit(socket: LiveSocket): Promise<void> {
    const key = (socket.handshake.auth as { key?: unknown } | undefined)?.key;
    const fresh = { rooms: new Set<string>(), allowance: { calls: SUBSCRIBE_BURST, at: Date.now() }, ended: false };
    if (key === undefined || key === null || key === '') {
      const session = cookie(socket.handshake.headers.cookie, SESSION_COOKIE);
      if (session) {
        const principal = await this.auth.authenticate({ authorization: undefined, session, address: socket.handshake.address });
        socket.data = { ...fresh, principal, key: null };
        return;
      }
      if (!this.auth.publicDisplay) throw new UnauthorizedException('Authorization: a display key is required (auth: { key }), or sign in');
      socket.data = { ...fresh, principal: PUBLIC, key: null };
      return;
    }
    if (typeof key !== 'string') throw new BadRequestException('key: expected the display key as a string');
    const principal = await this.auth.identify(key, socket.handshake.address);
    socket.data = { ...fresh, principal, key };
  }

  @SubscribeMessage('subscribe')
  async subscribe(@ConnectedSocket() socket: LiveSocket, @MessageBody() body: unknown): Promise<SubscribeReply> {
    try {
      this.spendCall(socket);
      const parsed = subscribeRequestSchema.safeParse(body);
      if (!parsed.success) throw new BadRequestException(describeIssues(parsed.error).replace(/^body: /, 'subscribe: '));
      const request = parsed.data;
      const { tree, unit } = this.live.resolve(request.campaign, request.scope, 'scope');
      this.auth.requireScope(socket.data.principal, unit, (c, s) => tree.within(c, s));
      const coverage: Coverage = { campaign: tree.campaign, scope: unit, depth: request.depth ?? null };
      if (!socket.data.rooms.has(roomName(coverage)) && socket.data.rooms.size >= MAX_SUBSCRIPTIONS) {
        throw new BusyException(`subscribe: a connection follows at most ${MAX_SUBSCRIPTIONS} scopes; unsubscribe from one first`);
      }
      // A client coming from a server instance further ahead waits until this one has caught up.
      if (request.since !== undefined && request.since > this.live.seq) await this.live.catchUp();
      if (socket.data.ended) throw new UnauthorizedException('Authorization: this key was revoked');

      // From here on synchronous: the reply and the room's chain of sequence numbers agree.
      const room = this.joinRoom(coverage);
      socket.data.rooms.add(room.name);
      void socket.join(room.name);
      // Sequence numbers of another log (a reset or restored database) say nothing here.
      const resumable = request.since !== undefined && request.since <= this.live.seq && request.epoch === this.live.epoch;
      const encoding = request.encoding ?? 'identity';
      return {
        ok: true, kind: resumable ? 'resume' : 'snapshot', ...coverage, epoch: this.live.epoch, seq: this.live.seq,
        serverTime: this.clock.now(), catalog: tree.catalog(unit, coverage.depth).version, encoding,
        body: this.body(tree, coverage, resumable ? request.since! : null, encoding),
      };
    } catch (error) {
      const { code, message } = this.refusal(error);
      return { ok: false, code, error: message };
    }
  }

  @SubscribeMessage('unsubscribe')
  async unsubscribe(@ConnectedSocket() socket: LiveSocket, @MessageBody() request: { campaign?: unknown; scope?: unknown; depth?: unknown }): Promise<void> {
    if (typeof request?.campaign !== 'string' || typeof request.scope !== 'string') return;
    const depth = typeof request.depth === 'number' ? request.depth : null;
    const room = roomName({ campaign: request.campaign, scope: request.scope, depth });
    if (socket.data.rooms.delete(room)) await socket.leave(room);
  }

  /** Takes one subscribe call from the socket's allowance, or refuses it as busy. */
  private spendCall(socket: LiveSocket): void {
    const allowance = socket.data.allowance;
    const now = Date.now();
    allowance.calls = Math.min(SUBSCRIBE_BURST, allowance.calls + ((now - allowance.at) / 1000) * SUBSCRIBES_PER_SECOND);
    allowance.at = now;
    if (allowance.calls < 1) throw new BusyException(`subscribe: at most ${SUBSCRIBES_PER_SECOND} calls a second; retry in a second`);
    allowance.calls--;
  }

  /**
   * A reply's body at the current sequence number (a snapshot's when `since` is null), built
   * once however many ask. Resumes from before the last full resend all get every value: they
   * share one body.
   */
  private body(tree: LiveTree, coverage: Coverage, since: number | null, encoding: BodyEncoding): Buffer {
    const from = since === null ? 'snapshot' : tree.resendsAll(since) ? 'all' : since;
    const key = `${roomName(coverage)}|${from}|${this.live.seq}|${this.live.epoch}|${encoding}`;
    let body = this.bodies.get(key);
    if (!body) {
      body = this.live.replyBody(tree, coverage.scope, coverage.depth, since, encoding);
      if (this.bodies.size >= CACHED_BODIES) this.bodies.delete(this.bodies.keys().next().value!);
      this.bodies.set(key, body);
    }
    return body;
  }

  private joinRoom(coverage: Coverage): Room {
    const name = roomName(coverage);
    let room = this.rooms.get(name);
    if (!room) {
      room = { ...coverage, name, lastSeq: this.live.seq };
      this.rooms.set(name, room);
      const key = `${coverage.campaign}|${coverage.scope}`;
      this.roomsByScope.set(key, [...(this.roomsByScope.get(key) ?? []), room]);
    }
    return room;
  }

  private removeRoom(name: string): void {
    const room = this.rooms.get(name);
    if (!room) return;
    this.rooms.delete(name);
    const key = `${room.campaign}|${room.scope}`;
    const rest = (this.roomsByScope.get(key) ?? []).filter((r) => r !== room);
    if (rest.length) this.roomsByScope.set(key, rest);
    else this.roomsByScope.delete(key);
  }

  /**
   * Ends the sockets of a revoked key; for null (revocations may have been missed), checks the
   * key of every socket again.
   */
  private async endRevoked(keyId: number | null): Promise<void> {
    for (const socket of [...this.server.of('/').sockets.values()]) {
      const { principal, key } = socket.data;
      if (principal.keyId === null || socket.data.ended) continue;
      if (keyId !== null) {
        if (principal.keyId === keyId) this.endAccess(socket);
        continue;
      }
      try {
        if (!(await this.auth.verify(key!))) this.endAccess(socket);
      } catch (error) {
        this.logger.warn(`Could not check the key of a socket again: ${(error as Error).message}`);
      }
    }
  }

  /** Tells the client why, then disconnects it: Socket.IO does not reconnect after that by itself. */
  private endAccess(socket: LiveSocket): void {
    socket.data.ended = true;
    for (const room of [...socket.data.rooms, ...BEATS]) void socket.leave(room);
    socket.data.rooms.clear();
    socket.emit('accessEnded', { code: 'unauthorized', message: 'Authorization: this key was revoked; ask for another one' });
    socket.disconnect();
  }

  /** The code and message a refused socket or subscription gets. */
  private refusal(error: unknown): { code: RefusalCode; message: string; data: { code: RefusalCode; retryAfter?: number } } {
    if (error instanceof HttpException) {
      const status = error.getStatus();
      const code: RefusalCode = status === 401 ? 'unauthorized' : status === 403 ? 'forbidden' : status === 429 ? 'busy' : status >= 500 ? 'unavailable' : 'invalid';
      const response = error.getResponse();
      const message = boundMessage(String(typeof response === 'string' ? response : (response as { message?: unknown }).message ?? error.message));
      const retryAfter = error instanceof TooManyAttemptsException ? error.retryAfter : status === 429 ? 1 : undefined;
      return { code, message, data: retryAfter === undefined ? { code } : { code, retryAfter } };
    }
    if (isDatabaseUnavailable(error)) {
      return { code: 'unavailable', message: 'the database is unreachable; retry later', data: { code: 'unavailable', retryAfter: 5 } };
    }
    this.logger.error((error as Error)?.stack ?? String(error));
    return { code: 'unavailable', message: 'internal error', data: { code: 'unavailable' } };
  }

  /** Sends what changed to every room; returns whether anything was sent. */
  private flush(): boolean {
    const serverTime = this.clock.now();
    // What drain() changes (values, the day) is in no body built before.
    this.bodies.clear();
    let sent = false;
    for (const flush of this.live.drain()) {
      const tree = this.live.tree(flush.campaign);
      if (!tree) continue;
      // Each changed unit goes to the rooms of its ancestors that reach down to it: the cost
      // follows the changes and the tree's depth, not the number of rooms.
      const codes = new Map<Room, string[]>();
      for (const code of flush.changed) {
        tree.ancestry(code).forEach((ancestor, distance) => {
          for (const room of this.roomsByScope.get(`${flush.campaign}|${ancestor.code}`) ?? []) {
            if (room.depth !== null && distance > room.depth) continue;
            const list = codes.get(room);
            if (list) list.push(code);
            else codes.set(room, [code]);
          }
        });
      }
      for (const [room, changed] of codes) {
        const { campaign, scope, depth } = room;
        // Every record's commune lies below the scopes of the rooms its change reached.
        const activity = flush.activity.filter((a) => tree.within(a.unit, scope));
        const units = depth === null || !activity.length ? [] : this.namesBelow(tree, room, activity.map((a) => a.unit));
        this.server.to(room.name).emit('changes', {
          campaign, scope, depth, seq: flush.seq, prevSeq: room.lastSeq, serverTime, values: packValues(tree.values(changed)),
          ...(activity.length ? { activity } : {}), ...(units.length ? { units } : {}),
        });
        room.lastSeq = flush.seq;
        sent = true;
      }
    }
    return sent;
  }

  /** The units (and their parents) a room's catalog does not hold, for its ticker to name them. */
  private namesBelow(tree: LiveTree, room: Room, codes: string[]): UnitInfo[] {
    const units = new Map<string, UnitInfo>();
    for (const code of codes) {
      for (const unit of tree.ancestry(code).slice(0, 2)) {
        if (!tree.covers(unit.code, room.scope, room.depth)) units.set(unit.code, unit);
      }
    }
    return [...units.values()];
  }
}
