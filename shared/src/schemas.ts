/**
 * Validation of what the public API receives, with zod. Kept apart from the protocol's types
 * so that the web app does not ship the validator.
 */
import { z } from 'zod';

export const MAX_EVENTS_PER_REQUEST = 1000;
/** The largest change one record may carry; anything larger is a typo, not a day's work. */
export const MAX_DELTA = 100_000;
export const MAX_TOTAL = 100_000_000;

/**
 * Text the database can store and a person can read: PostgreSQL's text cannot hold NUL, a lone
 * surrogate half is no character at all, and other control characters only hide what a name
 * or an id really is. Free text may keep tabs and line breaks.
 */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const CONTROL_BUT_WHITESPACE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

export function cleanText(max: number, options: { lineBreaks?: boolean; empty?: boolean } = {}) {
  const control = options.lineBreaks ? CONTROL_BUT_WHITESPACE : CONTROL;
  return z
    .string('must be a string')
    .refine((s) => !LONE_SURROGATE.test(s), { message: 'must be valid Unicode (it holds half of a surrogate pair)', abort: true })
    .refine((s) => !control.test(s), { message: 'must not contain control characters (such as NUL)', abort: true })
    .trim()
    .min(options.empty ? 0 : 1, 'must not be empty')
    .max(max, `must be at most ${max} characters`);
}

/** A code of the catalog or of a campaign: a unit, a campaign, a metric. */
export const code = cleanText(64);
const idempotencyId = cleanText(128);
const source = cleanText(100);
const reason = cleanText(500, { lineBreaks: true });

/**
 * Real time zones lie within ±14:00 of UTC; years outside 1900–9999 are typing mistakes, and
 * PostgreSQL cannot take some of them at all.
 */
const MAX_OFFSET_MINUTES = 14 * 60;
const MIN_YEAR = 1900;
const MAX_YEAR = 9999;

const instant = z
  .string('must be a string')
  .max(64, 'must be at most 64 characters')
  .pipe(z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with a time zone, e.g. 2023-05-10T17:00:00+07:00' }))
  .refine((s) => {
    const zone = /([+-])(\d{2}):(\d{2})$/.exec(s);
    return !zone || Number(zone[2]) * 60 + Number(zone[3]) <= MAX_OFFSET_MINUTES;
  }, 'must have a time-zone offset between -14:00 and +14:00')
  .refine((s) => {
    const year = Number(s.slice(0, 4));
    return year >= MIN_YEAR && year <= MAX_YEAR;
  }, `must be a time between the years ${MIN_YEAR} and ${MAX_YEAR}`);

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

/** A chief confirms a held record as it was sent: nothing to add. */
export const heldConfirmSchema = z.strictObject({});

/** A chief rejects a held record, saying why: the officer reads it on the phone. */
export const heldRejectSchema = z.strictObject({ reason });

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
  name: cleanText(100),
  role: z.enum(['ingest', 'display', 'admin'], 'must be one of ingest, display, admin'),
  scope: code,
});

/** What a screen sends to follow a scope: `since` and `epoch` when it resumes. */
/** Levels below a scope: a tree is at most country > province > district > commune. */
export const depth = z.int('must be a whole number of levels').min(0, 'must not be negative').max(3, 'must be at most 3 (a commune lies 3 levels below the country)');

/** `depth` in a query string: levels below the scope, 0 to 3. */
export const depthQuery = z.string().regex(/^[0-3]$/, 'must be 0, 1, 2 or 3 levels below the scope').transform(Number);

export const subscribeRequestSchema = z.strictObject({
  campaign: code,
  scope: code.optional(),
  depth: depth.optional(),
  since: z.int('must be an integer sequence number').min(0, 'must not be negative').optional(),
  epoch: cleanText(64).optional(),
  encoding: z.enum(['gzip', 'identity'], 'must be "gzip" or "identity"').optional(),
});

