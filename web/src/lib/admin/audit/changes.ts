/**
 * What an audit entry changed, field by field, for people to read: the fields of `before` and
 * `after` that differ, each value as short text (numbers in the page's format).
 */
import { formatCount, type Locale } from '@tiendo/shared';

export interface Change {
  field: string;
  before: string | null;
  after: string | null;
}

function show(value: unknown, locale: Locale): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number') return formatCount(value, locale);
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? '✓' : '✗';
  return JSON.stringify(value);
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function changes(before: unknown, after: unknown, locale: Locale): Change[] {
  if (!isRecord(before) && !isRecord(after)) {
    const b = show(before, locale);
    const a = show(after, locale);
    return b === a ? [] : [{ field: '', before: b, after: a }];
  }
  const b = isRecord(before) ? before : {};
  const a = isRecord(after) ? after : {};
  const fields = [...new Set([...Object.keys(b), ...Object.keys(a)])];
  return fields
    .map((field) => ({ field, before: show(b[field], locale), after: show(a[field], locale) }))
    .filter((c) => c.before !== c.after);
}
