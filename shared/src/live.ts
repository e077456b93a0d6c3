/**
 * The client side of the live protocol, kept beside the messages it reads so the web app and
 * the tests follow one rule for ordering and gaps.
 */
import type { ChangeMessage, SubscribeReply, SubscribeRequest, UnitValues } from './protocol.js';

export type ApplyOutcome = 'applied' | 'stale' | 'gap';

/**
 * What a client does with a change message when it holds values current to `seq`. A message
 * at the client's own seq is applied: the server re-sends values without a new seq when the
 * local day turns (today's gain resets), and absolute values make that harmless.
 */
export function classifyChange(seq: number, message: Pick<ChangeMessage, 'seq' | 'prevSeq'>): ApplyOutcome {
  if (message.seq < seq) return 'stale';
  if (message.prevSeq > seq) return 'gap';
  return 'applied';
}

/** Absolute values win: merging the same message twice changes nothing. */
export function mergeValues(into: Map<string, UnitValues>, values: readonly UnitValues[]): void {
  for (const unit of values) {
    const current = into.get(unit.code);
    into.set(unit.code, current ? { code: unit.code, metrics: { ...current.metrics, ...unit.metrics } } : unit);
  }
}

/**
 * A follower of one scope without a screen: what a program (a test, a benchmark's screens)
 * holds of the live state, kept by the same rules as the web app's store. The caller owns the
 * socket: it sends `request()` as the subscribe, gives the reply to `onReply` and each change
 * message to `onChanges`, and subscribes again when that says `gap`.
 */
export class LiveMirror {
  readonly values = new Map<string, UnitValues>();
  /** -1 until the first snapshot. */
  seq = -1;
  epoch: string | undefined;
  snapshots = 0;
  resumes = 0;

  constructor(
    readonly campaign: string,
    readonly scope: string,
  ) {}

  /** The subscribe request: a resume from what is held, else a snapshot. */
  request(): SubscribeRequest {
    const base = { campaign: this.campaign, scope: this.scope };
    return this.seq >= 0 ? { ...base, since: this.seq, epoch: this.epoch } : base;
  }

  /** Applies a subscribe reply; false when it was a refusal. */
  async onReply(reply: SubscribeReply): Promise<boolean> {
    if (!reply.ok) return false;
    if (reply.kind === 'snapshot') {
      this.values.clear();
      mergeValues(this.values, reply.snapshot.values);
      this.seq = reply.snapshot.seq;
      this.epoch = reply.snapshot.epoch;
      this.snapshots++;
    } else {
      mergeValues(this.values, reply.values);
      this.seq = Math.max(this.seq, reply.seq);
      this.resumes++;
    }
    return true;
  }

  onChanges(message: ChangeMessage): ApplyOutcome {
    if (message.campaign !== this.campaign || message.scope !== this.scope) return 'stale';
    const outcome = classifyChange(this.seq, message);
    if (outcome === 'applied') {
      mergeValues(this.values, message.values);
      this.seq = message.seq;
    }
    return outcome;
  }
}
