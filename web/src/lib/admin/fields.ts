/**
 * Errors beside the fields they are about. The server answers a bad request with one message
 * naming each field ("metrics[1].key: must be …; milestones[0].date: must be a date"); the
 * pages check the same schemas before sending, in the same words. Both are split here by field
 * path, and the usual phrasings are said in Vietnamese.
 */
import type { Locale } from '@tiendo/shared';
import { describeIssues } from '@tiendo/shared/schemas';

type Issues = Parameters<typeof describeIssues>[0];
interface Schema<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false; error: Issues };
}

export interface Problems {
  /** By field path, as the server writes it: "metrics[1].key". */
  fields: Record<string, string>;
  /** What names no field (or a field the form does not show). */
  general: string[];
}

const FIELD_MESSAGE = /^([A-Za-z_][\w]*(?:\[\d+\]|\.[A-Za-z_]\w*)*): (.+)$/s;

/** Splits a server or validation message into its fields' messages. */
export function splitProblems(message: string, locale: Locale, known?: (path: string) => boolean): Problems {
  const problems: Problems = { fields: {}, general: [] };
  for (const part of message.split('; ')) {
    const match = FIELD_MESSAGE.exec(part.trim());
    const path = match?.[1];
    if (match && path && path !== 'body' && (!known || known(path))) {
      problems.fields[path] = problems.fields[path] ? `${problems.fields[path]}; ${say(match[2], locale)}` : say(match[2], locale);
    } else {
      problems.general.push(match && path !== 'body' ? `${path}: ${say(match[2], locale)}` : say(match?.[2] ?? part, locale));
    }
  }
  return problems;
}

/** The result of a schema check as problems by field, or null when the value is valid. */
export function check<T>(schema: Schema<T>, value: unknown, locale: Locale): { data: T; problems: null } | { data: null; problems: Problems } {
  const result = schema.safeParse(value);
  return result.success
    ? { data: result.data, problems: null }
    : { data: null, problems: splitProblems(describeIssues(result.error), locale) };
}

export const noProblems = (): Problems => ({ fields: {}, general: [] });

const VIETNAMESE: readonly [RegExp, string][] = [
  [/^must not be empty$/, 'không được để trống'],
  [/^must be at most (\d+) characters$/, 'tối đa $1 ký tự'],
  [/^must be at least (\d+) characters$/, 'ít nhất $1 ký tự'],
  [/^must be a date YYYY-MM-DD$/, 'phải là một ngày hợp lệ'],
  [/^must be 1-40 lowercase letters, digits, "-" or "_", starting with a letter$/, '1–40 ký tự: chữ thường không dấu, chữ số, “-” hoặc “_”, bắt đầu bằng chữ cái'],
  [/^must be a unit code$/, 'phải là mã đơn vị'],
  [/^must be an IANA time zone such as (.+)$/, 'phải là múi giờ IANA, ví dụ $1'],
  [/^must bind at least one metric$/, 'chọn ít nhất một chỉ số'],
  [/^must hold at least one metric$/, 'cần ít nhất một chỉ số'],
  [/^must hold at most (\d+) metrics$/, 'tối đa $1 chỉ số'],
  [/^"(.+)" is used twice$/, 'mã “$1” bị trùng'],
  [/^must name another metric of the campaign, not "(.*)"$/, 'phải là một chỉ số khác của chiến dịch'],
  [/^"(.+)" is not a metric of the campaign$/, '“$1” không phải chỉ số của chiến dịch'],
  [/^must be an integer$/, 'phải là số nguyên'],
  [/^must be a number$/, 'phải là số'],
  [/^must not be negative$/, 'không được âm'],
  [/^must be text$/, 'phải là chữ'],
  [/^must be 3-64 letters, digits, ".", "_", "@" or "-"$/, '3–64 ký tự: chữ không dấu, chữ số, “.”, “_”, “@” hoặc “-”'],
  [/^must be admin, leadership, chief or officer$/, 'chọn một vai trò'],
  [/^must be one of ingest, display, admin$/, 'chọn một loại khóa'],
  [/^must not hold control characters$/, 'không được chứa ký tự điều khiển'],
  [/^wrong password$/, 'mật khẩu không đúng'],
  [/^no commune of this campaign is named "(.+)"$/, 'không có xã nào của chiến dịch tên “$1”'],
  [/^no commune of this campaign is coded "(.+)"$/, 'không có xã nào của chiến dịch mang mã “$1”'],
  [/^"(.+)" fits (\d+) communes; add the district or the code$/, '“$1” trùng tên $2 xã: ghi thêm huyện hoặc mã'],
  [/^no commune "(.+)" in (.+)$/, 'không có xã “$1” thuộc $2'],
  [/^(.+) is already on row (\S+)$/, '$1 đã có ở dòng $2'],
  [/^the total says (\d+), the communes read sum to (\d+)$/, 'dòng tổng ghi $1, cộng các xã đọc được là $2'],
  [/^the subtotal of (.+) says (\d+), the communes read sum to (\d+)$/, 'dòng cộng của $1 ghi $2, cộng các xã đọc được là $3'],
  [/^choose a password other than the current one$/, 'hãy chọn mật khẩu khác mật khẩu hiện tại'],
  [/^"(.+)" is taken$/, '“$1” đã có người dùng'],
  [/^"(.+)" is not a loaded unit$/, 'không có đơn vị “$1” trong danh mục'],
  [/^unit (\S+) is outside your unit (\S+)$/, 'đơn vị $1 nằm ngoài phạm vi của bạn ($2)'],
  [/^a commune officer belongs to a commune, and (.+) is an? \w+$/, 'cán bộ xã phải thuộc một xã; $1 không phải xã'],
];

/** A message in the page's language when its phrasing is known; otherwise as the server wrote it. */
export function say(message: string, locale: Locale): string {
  if (locale !== 'vi-VN') return message;
  for (const [pattern, vi] of VIETNAMESE) if (pattern.test(message)) return message.replace(pattern, vi);
  return message;
}
