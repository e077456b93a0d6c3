/**
 * A field record as the phone keeps it until the server has judged it: made once, with its
 * idempotency id, and sent as often as it takes. The id is what makes resending safe: the
 * server counts one id once, and answers 409 if another record ever came under it.
 */
import { formatCount, type HeldOutcome, type HeldRecord } from '@tiendo/shared';

/** `count`: the work of this session (negative: a correction); `total`: the total so far ("lũy kế"). */
export type EntryKind = 'count' | 'total';

/**
 * waiting: kept on the phone, not yet judged (no connection, or the server could not answer);
 * recorded: counted (or found counted already); confirm: an implausible amount the server
 * refused until its sender, who may (a chief), confirms it; held: an implausible amount the
 * server keeps, uncounted, until a chief decides (an officer's); refused: the server, or the
 * chief, said no, with the reason.
 */
export type EntryState = 'waiting' | 'recorded' | 'confirm' | 'held' | 'refused';

export interface FieldRecord {
  id: string;
  /** The person who made it: a shared phone shows each person their own. */
  owner: number;
  kind: EntryKind;
  campaign: string;
  metric: string;
  unit: string;
  unitName: string;
  /** The delta of a count, the total of a report. */
  amount: number;
  /** When the work happened (a count) or the total stood (a report): ISO 8601. */
  at: string;
  source?: string;
  reason?: string;
  confirmed?: boolean;
  state: EntryState;
  /** The server's answer, in words for the officer. */
  message?: string;
  /** The record was already counted (a resend after a lost answer). */
  duplicate?: boolean;
  createdAt: number;
  attempts: number;
}

/** "officer-12-6f1c…": the sender's role and person, and 128 random bits, made once per record. */
export function newRecordId(role: string, personId: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `${role}-${personId}-${[...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

export function requestOf(r: FieldRecord): { path: string; body: unknown } {
  const common = {
    id: r.id, campaign: r.campaign, metric: r.metric, unit: r.unit,
    ...(r.source ? { source: r.source } : {}), ...(r.reason ? { reason: r.reason } : {}), ...(r.confirmed ? { confirmed: true } : {}),
  };
  return r.kind === 'count'
    ? { path: '/api/v1/events', body: { events: [{ ...common, delta: r.amount, occurredAt: r.at }] } }
    : { path: '/api/v1/reports', body: { reports: [{ ...common, total: r.amount, asOf: r.at }] } };
}

export type Outcome =
  | { state: 'recorded'; duplicate: boolean }
  | { state: 'confirm' | 'held' | 'refused'; message: string }
  /** Not judged: try again later (no connection, the server busy or down, the session ended). */
  | { state: 'waiting'; signedOut: boolean };

/** What an answer means for a record. */
export function outcomeOf(status: number, body: { message?: string; accepted?: number; duplicates?: number; held?: HeldOutcome[] } | null): Outcome {
  const [held] = body?.held ?? [];
  if (held) {
    return held.status === 'held'
      ? { state: 'held', message: heldText(held.message, held.limit) }
      : { state: 'refused', message: `Chỉ huy đã từ chối: ${held.reason ?? held.message}` };
  }
  if (status >= 200 && status < 300) return { state: 'recorded', duplicate: (body?.duplicates ?? 0) > 0 };
  const message = body?.message ?? `HTTP ${status}`;
  if (status === 401) return { state: 'waiting', signedOut: true };
  if (status === 429 || status >= 500) return { state: 'waiting', signedOut: false };
  if (status === 422 && message.includes('implausible')) return { state: 'confirm', message: implausible(message) };
  return { state: 'refused', message: refusal(status, message) };
}

function implausible(message: string): string {
  const limit = /at most (\d+) at once/.exec(message)?.[1];
  return `Số lượng lớn bất thường${limit ? ` (quá ${formatCount(Number(limit))} một lần)` : ''}. Kiểm tra lại; nếu đúng, bấm “Xác nhận đúng” để gửi lại.`;
}

/** The limit an amount broke, in the officer's words: "hơn 25% chỉ tiêu 4.179". */
export function limitWhy(why: string): string | null {
  const share = /more than (\d+)% of its target (\d+)/.exec(why);
  if (share) return `hơn ${share[1]}% chỉ tiêu ${formatCount(Number(share[2]))}`;
  const best = /more than (\d+) times its best day \((\d+)\)/.exec(why);
  if (best) return `gấp hơn ${best[1]} lần ngày cao nhất (${formatCount(Number(best[2]))})`;
  return null;
}

function heldText(message: string, limit: number): string {
  const why = limitWhy(message);
  return `Số lượng lớn bất thường (quá ${formatCount(limit)} một lần${why ? `: ${why}` : ''}). Chưa được tính: chờ chỉ huy xác nhận.`;
}

/** What a chief's decision on a held record makes of it on the phone; null while it waits. */
export function decided(held: HeldRecord): Partial<FieldRecord> | null {
  if (held.status === 'confirmed') return { state: 'recorded', message: `Đã được ${held.decision?.by ?? 'chỉ huy'} xác nhận.` };
  if (held.status === 'rejected') return { state: 'refused', message: `${held.decision?.by ?? 'Chỉ huy'} đã từ chối: ${held.decision?.reason ?? ''}` };
  return null;
}

/** The officer's words for the refusals a phone can meet; the server's own text otherwise. */
function refusal(status: number, message: string): string {
  if (status === 409) return 'Mã số liệu này đã được dùng cho một số liệu khác: số liệu này không được tính. Hãy nhập lại như một số liệu mới.';
  if (status === 403) return 'Tài khoản không được báo cáo cho xã này.';
  if (/below zero/.test(message)) return 'Điều chỉnh làm số liệu nhỏ hơn 0: không được tính.';
  if (/correction and needs a reason|is required for a correction/.test(message)) return 'Điều chỉnh giảm cần ghi lý do.';
  if (/is in the future/.test(message)) return 'Thời điểm ở tương lai: kiểm tra giờ của máy.';
  if (/before the campaign started/.test(message)) return 'Thời điểm trước khi chiến dịch bắt đầu.';
  if (/campaign ".*" has no|unknown campaign/.test(message)) return 'Chỉ tiêu này không còn trong chiến dịch.';
  return `Bị từ chối: ${message}`;
}

/**
 * The value a metric will stand at once the records still on the phone are counted: counts
 * add, and a total so far replaces what came before it.
 */
export function projectedValue(known: number, pending: readonly Pick<FieldRecord, 'kind' | 'amount' | 'at' | 'createdAt'>[]): number {
  let value = known;
  const inOrder = [...pending].sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || a.createdAt - b.createdAt);
  for (const r of inOrder) value = r.kind === 'count' ? value + r.amount : r.amount;
  return value;
}

/** Whether a record is still to be counted by the server. */
export const pending = (r: FieldRecord): boolean => r.state === 'waiting' || r.state === 'confirm';
