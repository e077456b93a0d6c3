/**
 * A display client over a real Socket.IO connection that follows the protocol the web app
 * follows (the shared LiveMirror): snapshot, ordered changes, resume from its sequence number
 * on a gap or reconnect.
 */
import { io, type Socket } from 'socket.io-client';
import { LiveMirror, type ClientToServerEvents, type ServerToClientEvents, type UnitValues } from '@tiendo/shared';

export class LiveClient {
  readonly socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  readonly mirror: LiveMirror;
  gaps = 0;
  messages = 0;

  constructor(
    url: string,
    campaign: string,
    scope: string,
    options: { key?: string; resumeFrom?: LiveClient; depth?: number } = {},
  ) {
    this.mirror = new LiveMirror(campaign, scope, options.depth ?? null);
    if (options.resumeFrom) {
      this.mirror.seq = options.resumeFrom.seq;
      this.mirror.epoch = options.resumeFrom.epoch;
      for (const [code, values] of options.resumeFrom.values) this.mirror.values.set(code, values);
    }
    const key = options.key;
    this.socket = io(url, { transports: ['websocket'], auth: key ? { key } : {}, reconnectionDelay: 100, reconnectionDelayMax: 500 });
    this.socket.on('connect', () => void this.subscribe());
    this.socket.on('changes', (message) => {
      this.messages++;
      if (this.mirror.onChanges(message) === 'gap') {
        this.gaps++;
        void this.subscribe();
      }
    });
  }

  get values(): ReadonlyMap<string, UnitValues> {
    return this.mirror.values;
  }

  get seq(): number {
    return this.mirror.seq;
  }

  get epoch(): string | undefined {
    return this.mirror.epoch;
  }

  get snapshots(): number {
    return this.mirror.snapshots;
  }

  get resumes(): number {
    return this.mirror.resumes;
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
    const reply = await this.socket.emitWithAck('subscribe', this.mirror.request());
    if (!(await this.mirror.onReply(reply))) throw new Error(reply.ok ? 'unexpected reply' : reply.error);
  }
}

/** Polls until `check` returns a truthy value. */
export async function waitFor<T>(check: () => T | Promise<T>, timeoutMs = 5000, what = 'condition', intervalMs = 20): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
