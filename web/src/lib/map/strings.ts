/** The map's own words, in Vietnamese and English. */
import type { Locale } from '@tiendo/shared';

const vi = {
  map: 'Bản đồ tiến độ',
  progress: 'Tiến độ',
  noData: 'Chưa có số liệu',
  complete: 'Hoàn thành',
  completeMark: 'Đã hoàn thành',
  schematic: 'Sơ đồ minh họa, không theo tỉ lệ',
  noBoundary: 'Chưa có ranh giới',
  tapAgain: 'Chạm lần nữa để xem chi tiết',
};

const en: typeof vi = {
  map: 'Progress map',
  progress: 'Progress',
  noData: 'No data',
  complete: 'Complete',
  completeMark: 'Complete',
  schematic: 'Schematic, not to scale',
  noBoundary: 'No boundary yet',
  tapAgain: 'Tap again to open',
};

export type MapStrings = typeof vi;

export function mapStrings(locale: Locale): MapStrings {
  return locale === 'en-US' ? en : vi;
}
