/**
 * Dates and instants on the admin pages, through the shared formatters every screen uses:
 * 21/03/2023 for a day, 21/03/2023 14:03 for an instant in the campaign's zone.
 */
import { formatCount, formatDate, formatDateTime, type Locale } from '@tiendo/shared';

export const ZONE = 'Asia/Ho_Chi_Minh';

export function day(date: string | null | undefined, locale: Locale): string {
  return date ? formatDate(date.slice(0, 10), locale) : '—';
}

/** An ISO instant as the date and time it was in `timeZone`. */
export function instant(iso: string | null | undefined, locale: Locale, timeZone = ZONE): string {
  return iso ? formatDateTime(Date.parse(iso), timeZone, locale) : '—';
}

export function count(n: number | null | undefined, locale: Locale): string {
  return n === null || n === undefined ? '—' : formatCount(n, locale);
}

/** What a person typed as a whole number: "1.130.342", "1 130 342" and "1130342" alike. */
export function parseCount(typed: string): number | null {
  const digits = typed.replace(/[\s.,\u00a0]/g, '');
  return /^\d+$/.test(digits) ? Number(digits) : null;
}
