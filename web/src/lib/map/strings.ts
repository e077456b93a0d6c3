/** The map's own words, in Vietnamese and English. */
import type { Locale } from '@tiendo/shared';

const vi = {
  map: 'Bản đồ tiến độ',
  progress: 'Tiến độ',
  noData: 'Chưa có số liệu',
  complete: 'Hoàn thành',
  completeMark: 'Đã hoàn thành',
  schematic: 'Sơ đồ minh họa, không theo tỷ lệ',
  noBoundary: 'Chưa có ranh giới',
  tapAgain: 'Chạm lần nữa để xem chi tiết',
  againstPlan: 'So với kế hoạch',
  planToday: 'kế hoạch hôm nay {expected}',
  planClasses: ['Chậm nhiều', 'Chậm', 'Đúng kế hoạch', 'Vượt kế hoạch'],
};

const en: MapStrings = {
  map: 'Progress map',
  progress: 'Progress',
  noData: 'No data',
  complete: 'Complete',
  completeMark: 'Complete',
  schematic: 'Schematic, not to scale',
  noBoundary: 'No boundary yet',
  tapAgain: 'Tap again to open',
  againstPlan: 'Against plan',
  planToday: 'plan today {expected}',
  planClasses: ['Far behind', 'Behind', 'On plan', 'Ahead'],
};

export type MapStrings = { [K in keyof typeof vi]: (typeof vi)[K] extends string ? string : string[] };

export function mapStrings(locale: Locale): MapStrings {
  return locale === 'en-US' ? en : vi;
}
