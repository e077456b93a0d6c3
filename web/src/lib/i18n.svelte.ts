/**
 * UI strings in Vietnamese (the default) and English, and the date and time formats that go
 * with them. Numbers are formatted by the shared formatter with the same locale.
 */
import type { Locale } from '@tiendo/shared';

const vi = {
  live: 'Trực tiếp',
  connecting: 'Đang kết nối…',
  updatedAt: 'Cập nhật lúc {time}',
  stale: 'Mất tín hiệu · số liệu lúc {time} ({ago})',
  staleNever: 'Chưa nhận được số liệu',
  keyRejected: 'Khóa hiển thị bị từ chối · đang thử lại',
  secondsAgo: '{n} giây trước',
  minutesAgo: '{n} phút trước',
  hoursAgo: '{n} giờ trước',
  days: 'ngày',
  hours: 'giờ',
  minutes: 'phút',
  seconds: 'giây',
  finishedEarly: 'Về đích trước {n} ngày',
  finishedOnTime: 'Về đích đúng hạn',
  finishedLate: 'Về đích sau hạn {n} ngày',
  overdue: 'Quá hạn {n} ngày',
  overdueToday: 'Quá hạn',
  target: 'Chỉ tiêu',
  today: 'hôm nay',
  perDay: '/ngày',
  pace: 'Tốc độ',
  needs: 'Cần',
  finishOrder: 'về đích thứ {n}',
  done: 'Đã về đích',
  overdueShort: 'Quá hạn',
  noPace: 'chưa có',
  districtRanking: 'Xếp hạng huyện',
  communeRanking: 'Xếp hạng xã',
  mostBehindFirst: 'Chậm nhất trước',
  byRank: 'Theo thứ hạng',
  districts: 'Huyện',
  communes: 'Xã',
  cumulative: 'Tiến độ lũy kế',
  actual: 'Thực tế',
  plan: 'Kế hoạch',
  projection: 'Dự báo theo tốc độ 7 ngày',
  thousands: 'nghìn',
  projectedFinish: 'Dự kiến về đích {date}',
  aheadBy: 'vượt tiến độ {n} ngày',
  behindBy: 'chậm {n} ngày',
  onSchedule: 'đúng tiến độ',
  conversion: 'Tỷ lệ kích hoạt',
  conversionHint: 'kích hoạt / thu nhận',
  lowest: 'Thấp nhất',
  recent: 'Hoạt động gần đây',
  nothingYet: 'Chưa có hoạt động mới',
  completedItem: 'về đích',
  withdrawnItem: 'chưa về đích (điều chỉnh số liệu)',
  celebrate: 'về đích!',
  history: 'Lịch sử',
  backToLive: 'Về trực tiếp',
  asOfEndOf: 'Số liệu cuối ngày {date}',
  loadingHistory: 'Đang tải…',
  province: 'Toàn tỉnh',
  neededPerDay: 'Cần mỗi ngày',
  switchLanguage: 'English',
  rank: 'Hạng',
  unit: 'Đơn vị',
  progress: 'Tiến độ',
  schematicNote: 'Sơ đồ minh họa, không phải bản đồ địa giới',
  mapPending: 'Bản đồ đang được chuẩn bị',
  notFound: 'Không tìm thấy đơn vị {code}',
  metric_cccd_intake: 'CCCD gắn chip',
  metric_eid2_intake: 'ĐDĐT mức 2 · thu nhận',
  metric_eid2_activation: 'ĐDĐT mức 2 · kích hoạt',
};

type Key = keyof typeof vi;

const en: Record<Key, string> = {
  live: 'Live',
  connecting: 'Connecting…',
  updatedAt: 'Updated {time}',
  stale: 'No signal · data as of {time} ({ago})',
  staleNever: 'No data received yet',
  keyRejected: 'Display key rejected · retrying',
  secondsAgo: '{n} s ago',
  minutesAgo: '{n} min ago',
  hoursAgo: '{n} h ago',
  days: 'days',
  hours: 'hours',
  minutes: 'min',
  seconds: 'sec',
  finishedEarly: 'Finished {n} days early',
  finishedOnTime: 'Finished on time',
  finishedLate: 'Finished {n} days late',
  overdue: 'Overdue by {n} days',
  overdueToday: 'Overdue',
  target: 'Target',
  today: 'today',
  perDay: '/day',
  pace: 'Pace',
  needs: 'Needs',
  finishOrder: 'finished #{n}',
  done: 'Done',
  overdueShort: 'Overdue',
  noPace: 'none',
  districtRanking: 'District ranking',
  communeRanking: 'Commune ranking',
  mostBehindFirst: 'Most behind first',
  byRank: 'By rank',
  districts: 'Districts',
  communes: 'Communes',
  cumulative: 'Cumulative progress',
  actual: 'Actual',
  plan: 'Plan',
  projection: 'Projection at 7-day pace',
  thousands: 'thousands',
  projectedFinish: 'Projected finish {date}',
  aheadBy: '{n} days ahead',
  behindBy: '{n} days behind',
  onSchedule: 'on schedule',
  conversion: 'Activation rate',
  conversionHint: 'activated / collected',
  lowest: 'Lowest',
  recent: 'Recent activity',
  nothingYet: 'No new activity yet',
  completedItem: 'reached target',
  withdrawnItem: 'below target again (corrected)',
  celebrate: 'reached 100%!',
  history: 'History',
  backToLive: 'Back to live',
  asOfEndOf: 'As of end of {date}',
  loadingHistory: 'Loading…',
  province: 'Province',
  neededPerDay: 'Needed per day',
  switchLanguage: 'Tiếng Việt',
  rank: 'Rank',
  unit: 'Unit',
  progress: 'Progress',
  schematicNote: 'Schematic, not a boundary map',
  mapPending: 'Map is being prepared',
  notFound: 'No unit {code}',
  metric_cccd_intake: 'Chip ID cards',
  metric_eid2_intake: 'Level-2 eID · intake',
  metric_eid2_activation: 'Level-2 eID · activation',
};

const strings: Record<Locale, Record<Key, string>> = { 'vi-VN': vi, 'en-US': en };

const STORAGE_KEY = 'tiendo.locale';

class I18n {
  locale = $state<Locale>('vi-VN');

  /** `?lang=en` wins over the stored choice, so a kiosk URL fixes its language. */
  init(search: URLSearchParams): void {
    const lang = search.get('lang');
    const stored = globalThis.localStorage?.getItem(STORAGE_KEY);
    if (lang) this.locale = lang.startsWith('en') ? 'en-US' : 'vi-VN';
    else if (stored === 'en-US' || stored === 'vi-VN') this.locale = stored;
    document.documentElement.lang = this.locale.slice(0, 2);
  }

  toggle(): void {
    this.locale = this.locale === 'vi-VN' ? 'en-US' : 'vi-VN';
    globalThis.localStorage?.setItem(STORAGE_KEY, this.locale);
    document.documentElement.lang = this.locale.slice(0, 2);
  }

  t(key: Key, vars: Record<string, string | number> = {}): string {
    return strings[this.locale][key].replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name] ?? ''));
  }

  /** The metric's name: translated when known, else the name the server gives. */
  metric(key: string, serverName?: string): string {
    if (this.locale === 'vi-VN' && serverName) return serverName;
    const k = `metric_${key}` as Key;
    return k in vi ? strings[this.locale][k] : (serverName ?? key);
  }
}

export const i18n = new I18n();
export type { Key as StringKey };

const timeFormats = new Map<string, Intl.DateTimeFormat>();

function cached(key: string, make: () => Intl.DateTimeFormat): Intl.DateTimeFormat {
  let f = timeFormats.get(key);
  if (!f) timeFormats.set(key, (f = make()));
  return f;
}

/** 14:03:22 in the campaign's time zone (24-hour clock in both languages). */
export function formatTime(instant: number, timeZone: string, locale: Locale, seconds = true): string {
  return cached(`t${seconds}|${timeZone}|${locale}`, () =>
    new Intl.DateTimeFormat(locale, {
      timeZone, hour: '2-digit', minute: '2-digit', second: seconds ? '2-digit' : undefined, hourCycle: 'h23',
    }),
  ).format(instant);
}

/** A calendar date ("2023-05-10") as people write it: 10/05/2023, May 10, 2023. */
export function formatDate(date: string, locale: Locale, short = false): string {
  // Written out: ICU's short vi-VN pattern ("01-02") is not how dates are written in Vietnam.
  if (short && locale === 'vi-VN') return `${date.slice(8, 10)}/${date.slice(5, 7)}`;
  const options: Intl.DateTimeFormatOptions = short
    ? { timeZone: 'UTC', day: 'numeric', month: 'short' }
    : locale === 'vi-VN'
      ? { timeZone: 'UTC', day: '2-digit', month: '2-digit', year: 'numeric' }
      : { timeZone: 'UTC', day: 'numeric', month: 'short', year: 'numeric' };
  return cached(`d${short}|${locale}`, () => new Intl.DateTimeFormat(locale, options)).format(Date.parse(`${date}T00:00:00Z`));
}

/** The weekday and date of an instant in the campaign's zone, for the header clock. */
export function formatLongDate(instant: number, timeZone: string, locale: Locale): string {
  return cached(`l|${timeZone}|${locale}`, () =>
    new Intl.DateTimeFormat(locale, { timeZone, weekday: 'long', day: 'numeric', month: 'numeric', year: 'numeric' }),
  ).format(instant);
}

/** "2 phút trước" from a duration in milliseconds. */
export function formatAgo(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return i18n.t('secondsAgo', { n: s });
  if (s < 3600) return i18n.t('minutesAgo', { n: Math.floor(s / 60) });
  return i18n.t('hoursAgo', { n: Math.floor(s / 3600) });
}
