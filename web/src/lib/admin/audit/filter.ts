/** The audit page's filters, kept in its address so that a filtered view can be shared. */
import type { AuditQuery } from '../api';

export interface AuditFilter {
  unit: string | null;
  actor: string;
  kind: string;
  from: string;
  to: string;
}

export const emptyFilter = (): AuditFilter => ({ unit: null, actor: '', kind: '', from: '', to: '' });

export function filterFrom(search: URLSearchParams): AuditFilter {
  return {
    unit: search.get('unit'),
    actor: search.get('actor') ?? '',
    kind: search.get('kind') ?? '',
    from: search.get('from') ?? '',
    to: search.get('to') ?? '',
  };
}

export function queryOf(filter: AuditFilter): AuditQuery {
  return {
    unit: filter.unit ?? undefined,
    actor: filter.actor || undefined,
    kind: filter.kind || undefined,
    from: filter.from || undefined,
    to: filter.to || undefined,
  };
}

export function searchOf(filter: AuditFilter): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(queryOf(filter))) if (v) q.set(k, String(v));
  return q.size ? `?${q}` : '';
}
