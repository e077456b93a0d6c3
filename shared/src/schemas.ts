/**
 * Validation of what the public API receives, with zod. Kept apart from the protocol's types
 * so that the web app does not ship the validator.
 */
import { z } from 'zod';

export const MAX_EVENTS_PER_REQUEST = 1000;
/** The largest change one record may carry; anything larger is a typo, not a day's work. */
export const MAX_DELTA = 100_000;
export const MAX_TOTAL = 100_000_000;

const idempotencyId = z.string().trim().min(1, 'must not be empty').max(128, 'must be at most 128 characters');
const code = z.string().trim().min(1, 'must not be empty').max(64, 'must be at most 64 characters');
const instant = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with a time zone, e.g. 2023-05-10T17:00:00+07:00' });
const source = z.string().trim().min(1).max(100, 'must be at most 100 characters');
const reason = z.string().trim().min(1, 'must not be empty').max(500, 'must be at most 500 characters');

export const eventSchema = z
  .strictObject({
    id: idempotencyId,
    campaign: code,
    metric: code,
    unit: code,
    delta: z
      .int('must be an integer')
      .refine((n) => n !== 0, 'must not be 0')
      .refine((n) => Math.abs(n) <= MAX_DELTA, `must be between -${MAX_DELTA} and ${MAX_DELTA}`),
    occurredAt: instant,
    source: source.optional(),
    reason: reason.optional(),
    confirmed: z.boolean('must be true or false').optional(),
  })
  .refine((e) => e.delta >= 0 || e.reason !== undefined, {
    path: ['reason'],
    message: 'is required for a correction (negative delta)',
  });

export const eventBatchSchema = z.strictObject({
  events: z
    .array(eventSchema)
    .min(1, 'must hold at least one event')
    .max(MAX_EVENTS_PER_REQUEST, `must hold at most ${MAX_EVENTS_PER_REQUEST} events`),
});

/** "The total so far is N": becomes the difference from the current value. */
export const reportSchema = z.strictObject({
  id: idempotencyId,
  campaign: code,
  metric: code,
  unit: code,
  total: z.int('must be an integer').min(0, 'must not be negative').max(MAX_TOTAL, `must be at most ${MAX_TOTAL}`),
  asOf: instant,
  source: source.optional(),
  reason: reason.optional(),
  confirmed: z.boolean('must be true or false').optional(),
});

export const reportBatchSchema = z.strictObject({
  reports: z
    .array(reportSchema)
    .min(1, 'must hold at least one report')
    .max(MAX_EVENTS_PER_REQUEST, `must hold at most ${MAX_EVENTS_PER_REQUEST} reports`),
});

/** Turns validation issues into one message naming each field: "events[2].delta: must not be 0"; the whole body is "body". */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 10)
    .map((issue) => {
      const path = issue.path.reduce<string>(
        (acc, part) => (typeof part === 'number' ? `${acc}[${part}]` : acc ? `${acc}.${String(part)}` : String(part)),
        '',
      );
      return `${path || 'body'}: ${issue.message}`;
    })
    .join('; ');
}

export const keyRequestSchema = z.strictObject({
  name: z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters'),
  role: z.enum(['ingest', 'display', 'admin'], 'must be one of ingest, display, admin'),
  scope: code,
});
