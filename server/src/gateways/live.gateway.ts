/**
 * The socket side of the live state. A client subscribes to a scope of a campaign and gets a
 * snapshot (or, resuming, the values changed since its sequence number); then each room gets
 * the absolute values of its units that changed, at most one message per COALESCE_MS: a change
 * after a quiet spell goes out at once, a burst is gathered until the window ends.
 */
import { HttpException, Logger, type OnApplicationShutdown } from '@nestjs/common';
import {
  ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway, WebSocketServer,
  type OnGatewayInit,
} from '@nestjs/websockets';
import {
  COALESCE_MS, HEARTBEAT_MS,
  type ClientToServerEvents, type ServerToClientEvents, type SubscribeReply, type SubscribeRequest,
} from '@tiendo/shared';
import type { Server, Socket } from 'socket.io';
import { AuthService } from '../services/auth.service.js';
import { Clock } from '../services/clock.js';
import { LiveService } from '../services/live.service.js';
import { MapsService } from '../services/maps.service.js';

type LiveServer = Server<ClientToServerEvents, ServerToClientEvents>;
type LiveSocket = Socket<ClientToServerEvents, ServerToClientEvents>;

const roomName = (campaign: string, scope: string) => `${campaign}|${scope}`;

@WebSocketGateway({ serveClient: false, pingInterval: 10_000, pingTimeout: 10_000 })
export class LiveGateway implements OnGatewayInit, OnApplicationShutdown {
  private readonly logger = new Logger(LiveGateway.name);
  /** The last sequence number each room was sent: the next message's prevSeq. */
  private readonly rooms = new Map<string, { campaign: string; scope: string; lastSeq: number }>();
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
    server.of('/').adapter.on('delete-room', (room: string) => this.rooms.delete(room));
    this.live.onApplied(() => this.scheduleFlush());
    // A new boundary map goes to every screen, whatever it is subscribed to.
    this.maps.onChanged((message) => server.emit('mapChanged', message));
    this.timers.push(
      // Also turns the local day on screens when nothing is being reported.
      setInterval(() => this.scheduleFlush(), 1000),
      setInterval(() => server.emit('heartbeat', { epoch: this.live.epoch, seq: this.live.seq, serverTime: this.clock.now(), clockRate: this.clock.rate }), HEARTBEAT_MS),
    );
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

  @SubscribeMessage('subscribe')
  async subscribe(@ConnectedSocket() socket: LiveSocket, @MessageBody() request: SubscribeRequest): Promise<SubscribeReply> {
    try {
      if (typeof request?.campaign !== 'string' || (request.scope !== undefined && typeof request.scope !== 'string')) {
        return { ok: false, code: 'invalid', error: 'subscribe: expected { campaign, scope, since?, epoch? }' };
      }
      if (request.since !== undefined && !(Number.isInteger(request.since) && request.since >= 0)) {
        return { ok: false, code: 'invalid', error: 'since: expected a non-negative integer sequence number' };
      }
      if (request.epoch !== undefined && typeof request.epoch !== 'string') {
        return { ok: false, code: 'invalid', error: 'epoch: expected the epoch of the last snapshot' };
      }
      const { tree, unit } = this.live.resolve(request.campaign, request.scope, 'scope');
      const key = (socket.handshake.auth as { key?: unknown })?.key;
      await this.auth.authorizeDisplay(typeof key === 'string' && key ? key : undefined, unit, (c, s) => tree.within(c, s));
      // A client coming from a server instance further ahead waits until this one has caught up.
      if (request.since !== undefined && request.since > this.live.seq) await this.live.catchUp();

      // From here on synchronous: the reply and the room's chain of sequence numbers agree.
      const room = roomName(tree.campaign, unit);
      if (!this.rooms.has(room)) this.rooms.set(room, { campaign: tree.campaign, scope: unit, lastSeq: this.live.seq });
      void socket.join(room);
      // Sequence numbers of another log (a reset or restored database) say nothing here.
      const resumable = request.since !== undefined && request.since <= this.live.seq && request.epoch === this.live.epoch;
      if (resumable) {
        return {
          ok: true, kind: 'resume', epoch: this.live.epoch, campaign: tree.campaign, scope: unit, seq: this.live.seq,
          serverTime: this.clock.now(), values: tree.changedSince(unit, request.since!),
        };
      }
      return { ok: true, kind: 'snapshot', snapshot: this.live.snapshot(tree.campaign, unit)! };
    } catch (error) {
      if (error instanceof HttpException) {
        const status = error.getStatus();
        const code = status === 401 ? 'unauthorized' : status === 403 ? 'forbidden' : status === 429 ? 'busy' : status >= 500 ? 'unavailable' : 'invalid';
        return { ok: false, code, error: String((error.getResponse() as { message?: string }).message ?? error.message) };
      }
      this.logger.error((error as Error).stack);
      return { ok: false, code: 'unavailable', error: 'internal error' };
    }
  }

  @SubscribeMessage('unsubscribe')
  async unsubscribe(@ConnectedSocket() socket: LiveSocket, @MessageBody() request: { campaign: string; scope: string }): Promise<void> {
    if (typeof request?.campaign === 'string' && typeof request.scope === 'string') await socket.leave(roomName(request.campaign, request.scope));
  }

  /** Sends what changed to every room; returns whether anything was sent. */
  private flush(): boolean {
    const serverTime = this.clock.now();
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
