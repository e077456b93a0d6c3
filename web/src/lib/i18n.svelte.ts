/**
 * UI strings in Vietnamese (the default) and English, and the date and time formats that go
 * with them. Numbers are formatted by the shared formatter with the same locale.
 */
import type { Locale } from '@tiendo/shared';

const vi = {
  live: 'Trực tiếp',
  connecting: 'Đang kết nối…',
  updatedAt: 'Cập nhật lúc {time}',
  stale: 'Mất tín hiệu từ {time}',
  staleNever: 'Chưa nhận được số liệu',
  keyRejected: 'Khóa hiển thị bị từ chối',
  secondsAgo: '{n} giây trước',
  minutesAgo: '{n} phút trước',
  hoursAgo: '{n} giờ trước',
  days: 'ngày',
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
  provinceRanking: 'Xếp hạng tỉnh',
  communeRanking: 'Xếp hạng xã',
  mostBehindFirst: 'Chậm nhất trước',
  byRank: 'Theo thứ hạng',
  districts: 'Huyện',
  communes: 'Xã',
  cumulative: 'Tiến độ lũy kế',
  actual: 'Thực tế',
  plan: 'Kế hoạch',
  projection: 'Dự báo',
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
  staleBanner: 'Mất tín hiệu · số liệu dừng lúc {time}, {ago}',
  staleHint: 'Các con số dưới đây là số liệu cuối cùng nhận được. Đang thử kết nối lại…',
  keyRevoked: 'Khóa hiển thị đã bị thu hồi hoặc không hợp lệ',
  keyRevokedHelp: 'Khóa cũ đã được xóa khỏi trình duyệt này. Xin quản trị viên một khóa hiển thị mới, rồi mở lại màn hình bằng địa chỉ có ?key=<khóa mới>.',
  keyForbidden: 'Khóa hiển thị không được xem đơn vị này',
  keyForbiddenHelp: 'Khóa chỉ xem được các đơn vị trong phạm vi của nó. Mở màn hình của đơn vị trong phạm vi, hoặc xin quản trị viên một khóa có phạm vi rộng hơn.',
  keyMissing: 'Màn hình chưa có khóa hiển thị',
  keyMissingHelp: 'Máy chủ chỉ cho xem số liệu khi có khóa. Xin quản trị viên một khóa hiển thị, rồi mở màn hình bằng địa chỉ có ?key=<khóa>; trình duyệt sẽ nhớ khóa.',
  noneWhole: 'Mã này không xem được trọn chiến dịch nào',
  noneWholeHelp: 'Xoay vòng mọi chiến dịch (campaigns=all) chỉ gồm những chiến dịch mà mã này được xem toàn bộ. Với mã của một huyện, mở trang /district/<mã huyện> không kèm campaigns=all; hoặc dùng mã của cả tỉnh.',
  noCampaign: 'Máy chủ chưa có chiến dịch nào',
  noCampaignHelp: 'Màn hình sẽ tự hiện số liệu khi có chiến dịch. Để có chiến dịch mẫu (Hà Tĩnh 2023), chạy trên máy chủ, với cùng cơ sở dữ liệu:',
  wakeInsecure: 'Màn hình có thể tự tắt: giữ màn hình sáng cần HTTPS (trang đang mở qua {origin}).',
  wakeUnsupported: 'Màn hình có thể tự tắt: trình duyệt này không có chức năng giữ màn hình sáng.',
  wakeRefused: 'Màn hình có thể tự tắt: trình duyệt từ chối giữ màn hình sáng ({reason}).',
  sinceDayStart: '▲▼ so với đầu ngày',
  needsPerMilestone: 'Cần mỗi ngày để kịp từng mốc',
  daysLeft: 'còn {n} ngày',
  passed: 'đã qua',
  doneOn: 'Về đích {date}',
  metric_cccd_intake: 'CCCD gắn chip',
  metric_eid2_intake: 'ĐDĐT mức 2 · thu nhận',
  metric_eid2_activation: 'ĐDĐT mức 2 · kích hoạt',
};

type Key = keyof typeof vi;

const en: Record<Key, string> = {
  live: 'Live',
  connecting: 'Connecting…',
  updatedAt: 'Updated {time}',
  stale: 'No signal since {time}',
  staleNever: 'No data received yet',
  keyRejected: 'Display key refused',
  secondsAgo: '{n} s ago',
  minutesAgo: '{n} min ago',
  hoursAgo: '{n} h ago',
  days: 'days',
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
  provinceRanking: 'Province ranking',
  communeRanking: 'Commune ranking',
  mostBehindFirst: 'Most behind first',
  byRank: 'By rank',
  districts: 'Districts',
  communes: 'Communes',
  cumulative: 'Cumulative progress',
  actual: 'Actual',
  plan: 'Plan',
  projection: 'Projection',
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
  staleBanner: 'No signal · data stopped at {time}, {ago}',
  staleHint: 'The figures below are the last ones received. Reconnecting…',
  keyRevoked: 'The display key was revoked or is not valid',
  keyRevokedHelp: 'The old key has been removed from this browser. Ask an administrator for a new display key, then open this screen again with ?key=<new key> in its address.',
  keyForbidden: 'The display key may not show this unit',
  keyForbiddenHelp: 'A key shows only the units within its scope. Open the screen of a unit in scope, or ask an administrator for a key with a wider scope.',
  keyMissing: 'This screen has no display key',
  keyMissingHelp: 'The server shows figures only with a key. Ask an administrator for a display key, then open this screen with ?key=<key> in its address; the browser keeps it.',
  noneWhole: 'This key may show no campaign whole',
  noneWholeHelp: 'Turning through every campaign (campaigns=all) takes only the campaigns this key may show whole. With a district\'s key, open /district/<district code> without campaigns=all; or use a key of the province.',
  noCampaign: 'The server has no campaign yet',
  noCampaignHelp: 'This screen shows the figures as soon as there is one. For the sample campaign (Hà Tĩnh 2023), run on the server, with the same database:',
  wakeInsecure: 'The screen may go to sleep: keeping it awake needs HTTPS (this page is {origin}).',
  wakeUnsupported: 'The screen may go to sleep: this browser cannot keep it awake.',
  wakeRefused: 'The screen may go to sleep: the browser refused to keep it awake ({reason}).',
  sinceDayStart: '▲▼ since the start of the day',
  needsPerMilestone: 'Needed per day for each milestone',
  daysLeft: '{n} days left',
  passed: 'passed',
  doneOn: 'Finished {date}',
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

/** "2 phút trước" from a duration in milliseconds. */
export function formatAgo(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return i18n.t('secondsAgo', { n: s });
  if (s < 3600) return i18n.t('minutesAgo', { n: Math.floor(s / 60) });
  return i18n.t('hoursAgo', { n: Math.floor(s / 3600) });
}
