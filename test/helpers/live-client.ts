/**
 * A display client over a real Socket.IO connection that follows the protocol the web app
 * follows: snapshot, ordered changes, resume from its sequence number on a gap or reconnect.
 */
import { io, type Socket } from 'socket.io-client';
import {
  classifyChange, mergeValues,
  type ClientToServerEvents, type ServerToClientEvents, type SubscribeReply, type UnitValues,
} from '@tiendo/shared';

export class LiveClient {
  readonly socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  readonly values = new Map<string, UnitValues>();
  seq = -1;
  epoch: string | undefined;
  snapshots = 0;
  resumes = 0;
  gaps = 0;
  messages = 0;

  constructor(
    url: string,
    private readonly campaign: string,
    private readonly scope: string,
    options: { key?: string; resumeFrom?: LiveClient } = {},
  ) {
    if (options.resumeFrom) {
      this.seq = options.resumeFrom.seq;
      this.epoch = options.resumeFrom.epoch;
      mergeValues(this.values, [...options.resumeFrom.values.values()]);
    }
    const key = options.key;
    this.socket = io(url, { transports: ['websocket'], auth: key ? { key } : {}, reconnectionDelay: 100, reconnectionDelayMax: 500 });
    this.socket.on('connect', () => void this.subscribe());
    this.socket.on('changes', (message) => {
      this.messages++;
      const outcome = classifyChange(this.seq, message);
      if (outcome === 'gap') {
        this.gaps++;
        void this.subscribe();
      } else if (outcome === 'applied') {
        mergeValues(this.values, message.values);
        this.seq = message.seq;
      }
    });
  }

  /** Resolves once the first snapshot has arrived. */
  ready(): Promise<void> {
    return new Promise((done) => {
      const check = () => (this.seq >= 0 ? done() : setTimeout(check, 20));
      check();
    });
  }

  value(unit: string, metric = 'cccd_intake'): number | undefined {
    return this.values.get(unit)?.metrics[metric]?.value;
  }

  close(): void {
    this.socket.close();
  }

  private async subscribe(): Promise<void> {
    const since = this.seq >= 0 ? this.seq : undefined;
    const reply: SubscribeReply = await this.socket.emitWithAck('subscribe', { campaign: this.campaign, scope: this.scope, since, epoch: this.epoch });
    if (!reply.ok) throw new Error(reply.error);
    if (reply.kind === 'snapshot') {
      this.values.clear();
      mergeValues(this.values, reply.snapshot.values);
      this.seq = reply.snapshot.seq;
      this.epoch = reply.snapshot.epoch;
      this.snapshots++;
    } else {
      this.resumes++;
      mergeValues(this.values, reply.values);
      this.seq = Math.max(this.seq, reply.seq);
    }
  }
}

/** Polls until `check` returns a truthy value. */
export async function waitFor<T>(check: () => T | Promise<T>, timeoutMs = 5000, what = 'condition', intervalMs = 20): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
