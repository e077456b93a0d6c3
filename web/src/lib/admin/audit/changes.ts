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
