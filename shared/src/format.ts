/**
 * The one formatter for numbers, percentages, dates and times shown to users (vi-VN by
 * default). Dates are written dd/mm/yyyy in Vietnamese, always with two-digit day and month,
 * whatever pattern the runtime's locale data prefers.
 */

import { localDate } from './time.js';

export type Locale = 'vi-VN' | 'en-US';

const integerFormats = new Map<string, Intl.NumberFormat>();
const decimalFormats = new Map<string, Intl.NumberFormat>();

function integerFormat(locale: Locale): Intl.NumberFormat {
  let f = integerFormats.get(locale);
  if (!f) integerFormats.set(locale, (f = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 })));
  return f;
}

function decimalFormat(locale: Locale): Intl.NumberFormat {
  let f = decimalFormats.get(locale);
  if (!f) decimalFormats.set(locale, (f = new Intl.NumberFormat(locale, { minimumFractionDigits: 0, maximumFractionDigits: 1 })));
  return f;
}

/** 1130342 -> "1.130.342" */
export function formatCount(n: number, locale: Locale = 'vi-VN'): string {
  return integerFormat(locale).format(Math.round(n));
}

/** A rate such as 812.4 per day -> "812,4" */
export function formatRate(n: number, locale: Locale = 'vi-VN'): string {
  return decimalFormat(locale).format(n);
}

/**
 * Progress as a percentage with one decimal, rounded honestly: it never reads "100%" before
 * the target is met and never "0%" once something was counted ("<0,1%", ">99,9%").
 */
export function formatProgress(value: number, target: number, locale: Locale = 'vi-VN'): string {
  if (!(target > 0)) return '—';
  const percent = (value / target) * 100;
  const f = decimalFormat(locale);
  if (value <= 0) return `${f.format(0)}%`;
  if (value >= target) return `${f.format(Math.max(100, Math.round(percent * 10) / 10))}%`;
  const rounded = Math.round(percent * 10) / 10;
  if (rounded < 0.1) return `<${f.format(0.1)}%`;
  if (rounded >= 100) return `>${f.format(99.9)}%`;
  return `${f.format(rounded)}%`;
}

const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();

function dateTimeFormat(key: string, locale: Locale, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  let f = dateTimeFormats.get(key);
  if (!f) dateTimeFormats.set(key, (f = new Intl.DateTimeFormat(locale, options)));
  return f;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** "2023-05-10" -> "10/05/2023" ("May 10, 2023"); short: "10/05" ("May 10"), for axes and tickers. */
export function formatDate(date: string, locale: Locale = 'vi-VN', short = false): string {
  const [year, month, day] = date.split('-');
  if (locale === 'vi-VN') return short ? `${day}/${month}` : `${day}/${month}/${year}`;
  const options: Intl.DateTimeFormatOptions = short
    ? { timeZone: 'UTC', day: 'numeric', month: 'short' }
    : { timeZone: 'UTC', day: 'numeric', month: 'short', year: 'numeric' };
  return dateTimeFormat(`d${short}|${locale}`, locale, options).format(Date.parse(`${date}T00:00:00Z`));
}

/** 14:03:22 (or 14:03) in a time zone, on a 24-hour clock in both languages. */
export function formatTime(instant: number, timeZone: string, locale: Locale = 'vi-VN', seconds = true): string {
  return dateTimeFormat(`t${seconds}|${timeZone}|${locale}`, locale, {
    timeZone, hour: '2-digit', minute: '2-digit', second: seconds ? '2-digit' : undefined, hourCycle: 'h23',
  }).format(instant);
}

/** The weekday and the date of an instant in a time zone: "Thứ Ba, 27/06/2023". */
export function formatLongDate(instant: number, timeZone: string, locale: Locale = 'vi-VN'): string {
  const parts = dateTimeFormat(`l|${timeZone}|${locale}`, locale, {
    timeZone, weekday: 'long', day: 'numeric', month: 'numeric', year: 'numeric',
  }).formatToParts(instant);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  const weekday = part('weekday');
  if (locale !== 'vi-VN') return `${weekday}, ${formatDate(`${part('year')}-${pad(Number(part('month')))}-${pad(Number(part('day')))}`, locale)}`;
  return `${weekday.charAt(0).toUpperCase()}${weekday.slice(1)}, ${pad(Number(part('day')))}/${pad(Number(part('month')))}/${part('year')}`;
}

/** An instant as a date and a time in a time zone: "27/06/2023 14:03". */
export function formatDateTime(instant: number, timeZone: string, locale: Locale = 'vi-VN'): string {
  return `${formatDate(localDate(instant, timeZone), locale)} ${formatTime(instant, timeZone, locale, false)}`;
}
