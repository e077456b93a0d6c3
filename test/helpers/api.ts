/** Small HTTP helpers over fetch for the ingestion and display APIs. */
import type { IngestEvent } from '@tiendo/shared';

export interface Answer<T = Record<string, unknown>> {
  status: number;
  body: T;
}

export async function post<T = Record<string, unknown>>(url: string, path: string, key: string | null, body: unknown, raw = false): Promise<Answer<T>> {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: raw ? (body as string) : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as T };
}

export async function get<T = Record<string, unknown>>(url: string, path: string, key?: string): Promise<Answer<T>> {
  const response = await fetch(`${url}${path}`, { headers: key ? { authorization: `Bearer ${key}` } : {} });
  return { status: response.status, body: (await response.json()) as T };
}

let counter = 0;

/** An event of the demo campaign, by default 1 CCCD intake in Thạch Kênh, now. */
export function event(overrides: Partial<IngestEvent> = {}): IngestEvent {
  return {
    id: `e2e-${process.pid}-${Date.now()}-${counter++}`,
    campaign: 'ha-tinh',
    metric: 'cccd_intake',
    unit: '18586',
    delta: 1,
    occurredAt: new Date().toISOString(),
    ...overrides,
  };
}

export function postEvents(url: string, key: string | null, events: IngestEvent[]) {
  return post<{ accepted: number; duplicates: number; seq: number | null; message?: string }>(url, '/api/v1/events', key, { events });
}
