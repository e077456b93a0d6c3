/**
 * The client side of the live protocol, kept beside the messages it reads so the web app and
 * the tests follow one rule for ordering and gaps.
 */
import type { ChangeMessage, UnitValues } from './protocol.js';

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
