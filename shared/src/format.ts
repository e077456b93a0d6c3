/** The one formatter for numbers and percentages shown to users (vi-VN by default). */

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

/**
 * Progress as a fraction rounded to 0.1% the honest way, for a spreadsheet's "0.0%" format: it
 * never reaches 1 before the target is met and never rounds to 0 once something was counted
 * (then it reads 0.1%). Null without a target.
 */
export function roundedProgress(value: number, target: number): number | null {
  if (!(target > 0)) return null;
  if (value <= 0) return 0;
  const permille = Math.round((value / target) * 1000);
  if (value >= target) return Math.max(1000, permille) / 1000;
  return Math.min(999, Math.max(1, permille)) / 1000;
}

/** A calendar date ("2023-05-10") as it is written in Vietnam: 10/05/2023. */
export function formatDay(date: string): string {
  return `${date.slice(8, 10)}/${date.slice(5, 7)}/${date.slice(0, 4)}`;
}

const clockFormats = new Map<string, Intl.DateTimeFormat>();

/** The time of day of an instant in a time zone, on a 24-hour clock: 17:05. */
export function formatClock(instant: number, timeZone: string, locale: Locale = 'vi-VN'): string {
  const key = `${timeZone}|${locale}`;
  let f = clockFormats.get(key);
  if (!f) clockFormats.set(key, (f = new Intl.DateTimeFormat(locale, { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })));
  return f.format(instant);
}
