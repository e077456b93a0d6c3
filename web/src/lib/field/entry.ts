/**
 * A field record as the phone keeps it until the server has judged it: made once, with its
 * idempotency id, and sent as often as it takes. The id is what makes resending safe: the
 * server counts one id once, and answers 409 if another record ever came under it.
 */
import { formatCount } from '@tiendo/shared';

/** `count`: the work of this session (negative: a correction); `total`: the total so far ("lũy kế"). */
export type EntryKind = 'count' | 'total';

/**
 * waiting: kept on the phone, not yet judged (no connection, or the server could not answer);
 * recorded: counted (or found counted already); confirm: held as implausible until the
 * officer confirms it; refused: the server said no, with its reason.
 */
export type EntryState = 'waiting' | 'recorded' | 'confirm' | 'refused';

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
  | { state: 'confirm' | 'refused'; message: string }
  /** Not judged: try again later (no connection, the server busy or down, the session ended). */
  | { state: 'waiting'; signedOut: boolean };

/** What an answer means for a record. */
export function outcomeOf(status: number, body: { message?: string; accepted?: number; duplicates?: number } | null): Outcome {
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
