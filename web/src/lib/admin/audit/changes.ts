/**
 * What an audit entry changed, field by field, for people to read: the fields of `before` and
 * `after` that differ, each value as short text (numbers in the page's format).
 */
import { formatCount, formatDate, type Locale } from '@tiendo/shared';

export interface Change {
  field: string;
  before: string | null;
  after: string | null;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function show(value: unknown, locale: Locale): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number') return formatCount(value, locale);
  if (typeof value === 'string') return DAY.test(value) ? formatDate(value, locale) : value;
  if (typeof value === 'boolean') return value ? '✓' : '✗';
  // A campaign's metrics and milestones: by their names (a milestone with its date), not as JSON.
  if (Array.isArray(value)) return value.map((v) => show(v, locale) ?? '∅').join(', ');
  if (isRecord(value) && typeof value.name === 'string') {
    return typeof value.date === 'string' ? `${value.name} (${show(value.date, locale)})` : value.name;
  }
  return JSON.stringify(value);
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Bookkeeping fields, not changes a person made. */
const UNSHOWN = new Set(['id', 'createdAt']);

export function changes(before: unknown, after: unknown, locale: Locale): Change[] {
  if (!isRecord(before) && !isRecord(after)) {
    const b = show(before, locale);
    const a = show(after, locale);
    return b === a ? [] : [{ field: '', before: b, after: a }];
  }
  const b = isRecord(before) ? before : {};
  const a = isRecord(after) ? after : {};
  const fields = [...new Set([...Object.keys(b), ...Object.keys(a)])].filter((f) => !UNSHOWN.has(f));
  return fields
    .map((field) => ({ field, before: show(b[field], locale), after: show(a[field], locale) }))
    .filter((c) => c.before !== c.after);
}

export interface AuditGroup<E extends GroupableEntry> {
  head: E;
  entries: E[];
}

interface GroupableEntry {
  at: string;
  action: string;
  actor: { name: string };
  campaign: string | null;
  reason: string | null;
}

/**
 * One change touching many units (an imported sheet sets 216 targets) is one line for people:
 * consecutive entries of the same instant, action, author, campaign and reason form a group.
 */
export function groupEntries<E extends GroupableEntry>(entries: readonly E[]): AuditGroup<E>[] {
  const groups: AuditGroup<E>[] = [];
  for (const e of entries) {
    const last = groups.at(-1)?.head;
    const same = last && last.at === e.at && last.action === e.action && last.actor.name === e.actor.name && last.campaign === e.campaign && last.reason === e.reason;
    if (same) groups.at(-1)!.entries.push(e);
    else groups.push({ head: e, entries: [e] });
  }
  return groups;
}
