/**
 * The socket side of the live state. A client subscribes to a scope of a campaign and gets a
 * snapshot (or, resuming, the values changed since its sequence number); then each room gets
 * the absolute values of its units that changed, at most one message per COALESCE_MS: a change
 * after a quiet spell goes out at once, a burst is gathered until the window ends.
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
  COALESCE_MS, HEARTBEAT_MS,
  type ClientToServerEvents, type RefusalCode, type ServerToClientEvents, type Snapshot, type SubscribeReply,
} from '@tiendo/shared';
import { describeIssues, subscribeRequestSchema } from '@tiendo/shared/schemas';
import type { DefaultEventsMap, Server, Socket } from 'socket.io';
import { boundMessage, isDatabaseUnavailable } from '../common/errors.filter.js';
import { SESSION_COOKIE } from '../admin/sessions.service.js';
import { cookie } from '../common/credentials.js';
import { AuthService, PUBLIC, TooManyAttemptsException, type Principal } from '../services/auth.service.js';
import { Clock } from '../services/clock.js';
import { LiveService } from '../services/live.service.js';
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

const roomName = (campaign: string, scope: string) => `${campaign}|${scope}`;
/** Every admitted socket: heartbeats and map changes go here only. */
const ADMITTED = '#admitted';

/** Scopes one socket may follow at once: a wall shows one, a district page a few. */
export const MAX_SUBSCRIPTIONS = 8;
/** Subscribe calls: a burst of this many, then this many per second. */
const SUBSCRIBE_BURST = 20;
const SUBSCRIBES_PER_SECOND = 4;
const CACHED_SNAPSHOTS = 64;

class BusyException extends HttpException {
  constructor(message: string) {
    super(message, HttpStatus.TOO_MANY_REQUESTS);
  }
}

@WebSocketGateway({ serveClient: false, pingInterval: 10_000, pingTimeout: 10_000 })
export class LiveGateway implements OnGatewayInit, OnGatewayConnection, OnApplicationShutdown {
  private readonly logger = new Logger(LiveGateway.name);
  /** The last sequence number each room was sent: the next message's prevSeq. */
  private readonly rooms = new Map<string, { campaign: string; scope: string; lastSeq: number }>();
  /** Snapshots by campaign, scope, sequence number and epoch; emptied at each flush. */
  private readonly snapshots = new Map<string, Snapshot>();
  private timers: NodeJS.Timeout[] = [];
  private lastFlush = 0;
  private pending: NodeJS.Timeout | null = null;

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
    server.of('/').adapter.on('delete-room', (room: string) => this.rooms.delete(room));
    this.live.onApplied(() => this.scheduleFlush());
    // A new boundary map goes to every screen, whatever it is subscribed to.
    this.maps.onChanged((message) => server.to(ADMITTED).emit('mapChanged', message));
    this.auth.onRevoked((keyId) => void this.endRevoked(keyId));
    // A campaign's definition changed (milestones, targets, status): its screens subscribe afresh.
    this.live.onReloaded((campaigns) => {
      this.snapshots.clear();
      for (const campaign of campaigns) {
        for (const [name, room] of this.rooms) if (room.campaign === campaign) server.to(name).emit('campaignChanged', { campaign });
      }
      this.scheduleFlush();
    });
    this.timers.push(
      // Also turns the local day on screens when nothing is being reported.
      setInterval(() => this.scheduleFlush(), 1000),
      setInterval(() => server.to(ADMITTED).emit('heartbeat', { epoch: this.live.epoch, seq: this.live.seq, serverTime: this.clock.now(), clockRate: this.clock.rate }), HEARTBEAT_MS),
    );
  }

  handleConnection(socket: LiveSocket): void {
    void socket.join(ADMITTED);
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
      if (this.flush()) this.lastFlush = Date.now();
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
      const room = roomName(tree.campaign, unit);
      if (!socket.data.rooms.has(room) && socket.data.rooms.size >= MAX_SUBSCRIPTIONS) {
        throw new BusyException(`subscribe: a connection follows at most ${MAX_SUBSCRIPTIONS} scopes; unsubscribe from one first`);
      }
      // A client coming from a server instance further ahead waits until this one has caught up.
      if (request.since !== undefined && request.since > this.live.seq) await this.live.catchUp();
      if (socket.data.ended) throw new UnauthorizedException('Authorization: this key was revoked');

      // From here on synchronous: the reply and the room's chain of sequence numbers agree.
      if (!this.rooms.has(room)) this.rooms.set(room, { campaign: tree.campaign, scope: unit, lastSeq: this.live.seq });
      socket.data.rooms.add(room);
      void socket.join(room);
      // Sequence numbers of another log (a reset or restored database) say nothing here.
      const resumable = request.since !== undefined && request.since <= this.live.seq && request.epoch === this.live.epoch;
      if (resumable) {
        return {
          ok: true, kind: 'resume', epoch: this.live.epoch, campaign: tree.campaign, scope: unit, seq: this.live.seq,
          serverTime: this.clock.now(), values: tree.changedSince(unit, request.since!),
        };
      }
      return { ok: true, kind: 'snapshot', snapshot: this.snapshot(tree.campaign, unit) };
    } catch (error) {
      const { code, message } = this.refusal(error);
      return { ok: false, code, error: message };
    }
  }

  @SubscribeMessage('unsubscribe')
  async unsubscribe(@ConnectedSocket() socket: LiveSocket, @MessageBody() request: { campaign?: unknown; scope?: unknown }): Promise<void> {
    if (typeof request?.campaign !== 'string' || typeof request.scope !== 'string') return;
    const room = roomName(request.campaign, request.scope);
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

  /** The scope's snapshot at the current sequence number, built once however many ask. */
  private snapshot(campaign: string, scope: string): Snapshot {
    const key = `${campaign}|${scope}|${this.live.seq}|${this.live.epoch}`;
    const cached = this.snapshots.get(key);
    if (cached) return { ...cached, serverTime: this.clock.now() };
    const snapshot = this.live.snapshot(campaign, scope)!;
    if (this.snapshots.size >= CACHED_SNAPSHOTS) this.snapshots.delete(this.snapshots.keys().next().value!);
    this.snapshots.set(key, snapshot);
    return snapshot;
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
    for (const room of [...socket.data.rooms, ADMITTED]) void socket.leave(room);
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
    // What drain() changes (values, the day) is in no snapshot built before.
    this.snapshots.clear();
    let sent = false;
    for (const flush of this.live.drain()) {
      const tree = this.live.tree(flush.campaign);
      if (!tree) continue;
      for (const [name, room] of this.rooms) {
        if (room.campaign !== flush.campaign) continue;
        const codes = [...flush.changed].filter((code) => tree.within(code, room.scope));
        if (codes.length) {
          this.server.to(name).emit('changes', {
            campaign: room.campaign, scope: room.scope, seq: flush.seq, prevSeq: room.lastSeq, serverTime, values: tree.values(codes),
          });
          room.lastSeq = flush.seq;
          sent = true;
        }
        const items = flush.activity.filter((a) => tree.within(a.unit, room.scope));
        if (items.length) this.server.to(name).emit('activity', { campaign: room.campaign, scope: room.scope, items });
      }
    }
    return sent;
  }
}
