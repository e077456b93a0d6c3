/**
 * The client side of the live protocol, kept beside the messages it reads so the web app and
 * the tests follow one rule for ordering, gaps and the compact form of values.
 */
import type {
  BodyEncoding, ChangeMessage, CompactValues, Coverage, LiveBody, LiveReply, MetricValue, SubscribeReply, SubscribeRequest, UnitValues,
} from './protocol.js';

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

/** The compact form of values (see `CompactValues`); every unit must carry the same metrics. */
export function packValues(values: readonly UnitValues[]): CompactValues {
  const metrics: CompactValues['metrics'] = {};
  for (const key of Object.keys(values[0]?.metrics ?? {})) {
    metrics[key] = values.flatMap(({ metrics: m }) => [m[key].value, m[key].target, m[key].today, m[key].last7, m[key].completedAt]);
  }
  return { codes: values.map((v) => v.code), metrics };
}

export function unpackValues(compact: CompactValues): UnitValues[] {
  const entries = Object.entries(compact.metrics);
  return compact.codes.map((code, i) => {
    const metrics: Record<string, MetricValue> = {};
    for (const [key, d] of entries) {
      const at = i * 5;
      metrics[key] = { value: d[at]!, target: d[at + 1]!, today: d[at + 2]!, last7: d[at + 3]!, completedAt: d[at + 4] };
    }
    return { code, metrics };
  });
}

/** The body of a subscribe reply, inflated when it came gzipped. */
export async function readBody(reply: Pick<LiveReply, 'body' | 'encoding'>): Promise<LiveBody> {
  let bytes: BufferSource = reply.body instanceof ArrayBuffer ? reply.body : new Uint8Array(reply.body);
  if (reply.encoding === 'gzip') {
    const inflated = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
    bytes = await new Response(inflated).arrayBuffer();
  }
  return JSON.parse(new TextDecoder().decode(bytes)) as LiveBody;
}

/** Whether this runtime can inflate gzipped bodies: browsers from 2023 on, Node 18 on. */
export const BODY_ENCODING: BodyEncoding = typeof DecompressionStream === 'function' ? 'gzip' : 'identity';

export function sameCoverage(a: Coverage, b: Coverage): boolean {
  return a.campaign === b.campaign && a.scope === b.scope && a.depth === b.depth;
}

/**
 * A follower of one scope without a screen: what a program (a test, a benchmark's screens)
 * holds of the live state, kept by the same rules as the web app's store. The caller owns the
 * socket: it sends `request()` as the subscribe, gives the reply to `onReply` and each change
 * message to `onChanges`, and subscribes again when that says `gap`.
 */
export class LiveMirror {
  readonly values = new Map<string, UnitValues>();
  readonly coverage: Coverage;
  /** -1 until the first snapshot. */
  seq = -1;
  epoch: string | undefined;
  /** The version of the unit catalog the last reply named. */
  catalog: string | undefined;
  snapshots = 0;
  resumes = 0;

  constructor(campaign: string, scope: string, depth: number | null = null) {
    this.coverage = { campaign, scope, depth };
  }

  /** The subscribe request: a resume from what is held, else a snapshot. */
  request(): SubscribeRequest {
    const { campaign, scope, depth } = this.coverage;
    const base = { campaign, scope, encoding: BODY_ENCODING, ...(depth === null ? {} : { depth }) } as const;
    return this.seq >= 0 ? { ...base, since: this.seq, epoch: this.epoch } : base;
  }

  /** Applies a subscribe reply; false when it was a refusal. */
  async onReply(reply: SubscribeReply): Promise<boolean> {
    if (!reply.ok) return false;
    const values = unpackValues((await readBody(reply)).values);
    if (reply.kind === 'snapshot') {
      this.values.clear();
      mergeValues(this.values, values);
      this.seq = reply.seq;
      this.epoch = reply.epoch;
      this.snapshots++;
    } else {
      mergeValues(this.values, values);
      this.seq = Math.max(this.seq, reply.seq);
      this.resumes++;
    }
    this.catalog = reply.catalog;
    return true;
  }

  onChanges(message: ChangeMessage): ApplyOutcome {
    if (!sameCoverage(message, this.coverage)) return 'stale';
    const outcome = classifyChange(this.seq, message);
    if (outcome === 'applied') {
      mergeValues(this.values, unpackValues(message.values));
      this.seq = message.seq;
    }
    return outcome;
  }
}
