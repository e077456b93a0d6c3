/**
 * Validation of the administration requests (see `admin.ts`), with zod. Kept apart so that the
 * pages that do not administer do not ship it.
 */
import { z } from 'zod';
import { cleanText } from './schemas.js';

const slug = z.string('must be text').regex(/^[a-z][a-z0-9_-]{0,39}$/, 'must be 1-40 lowercase letters, digits, "-" or "_", starting with a letter');
const unitCode = z.string('must be text').regex(/^(VN|[0-9]{1,6}|[A-Za-z0-9_-]{1,20})$/, 'must be a unit code');
const isoDate = z.iso.date('must be a date YYYY-MM-DD');
const timeZone = z.string('must be text').refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'must be an IANA time zone such as Asia/Ho_Chi_Minh');

export const plausibilitySchema = z.strictObject({
  shareOfTarget: z.number('must be a number').gt(0, 'must be above 0').max(10, 'must be at most 10'),
  timesBestDay: z.number('must be a number').min(1, 'must be at least 1').max(1000, 'must be at most 1000'),
  minDays: z.int('must be an integer').min(0).max(365),
  floor: z.int('must be an integer').min(0).max(10_000_000),
});

export const metricSchema = z.strictObject({
  key: slug,
  name: cleanText(120),
  shortName: cleanText(24).optional(),
  /** When this metric's work began, if after the campaign's start (eID began weeks after CCCD). */
  startDate: isoDate.optional(),
  /** The intake metric whose records this one activates: shows the conversion. */
  activationOf: slug.optional(),
  plausibility: plausibilitySchema.optional(),
});

export const milestoneSchema = z.strictObject({
  name: cleanText(120),
  date: isoDate,
  /** The metrics it binds: each metric's countdown and plan use only its own milestones. */
  metrics: z.array(slug).min(1, 'must bind at least one metric').max(20),
  /** The document that set it: "Điện 16/HT ngày 21/3/2023". */
  document: cleanText(200).optional(),
});

function checkMetricRefs(
  value: { metrics?: { key: string; activationOf?: string }[]; milestones?: { metrics: string[] }[] },
  ctx: z.RefinementCtx,
): void {
  const keys = new Set<string>();
  value.metrics?.forEach((m, i) => {
    if (keys.has(m.key)) ctx.addIssue({ code: 'custom', path: ['metrics', i, 'key'], message: `"${m.key}" is used twice` });
    keys.add(m.key);
  });
  value.metrics?.forEach((m, i) => {
    if (m.activationOf && (!keys.has(m.activationOf) || m.activationOf === m.key)) {
      ctx.addIssue({ code: 'custom', path: ['metrics', i, 'activationOf'], message: `must name another metric of the campaign, not "${m.activationOf}"` });
    }
  });
  if (!value.metrics) return;
  value.milestones?.forEach((ms, i) =>
    ms.metrics.forEach((k, j) => {
      if (!keys.has(k)) ctx.addIssue({ code: 'custom', path: ['milestones', i, 'metrics', j], message: `"${k}" is not a metric of the campaign` });
    }),
  );
}

export const campaignCreateSchema = z
  .strictObject({
    id: slug,
    name: cleanText(200),
    timeZone: timeZone.default('Asia/Ho_Chi_Minh'),
    startDate: isoDate,
    rootUnit: unitCode,
    metrics: z.array(metricSchema).min(1, 'must hold at least one metric').max(12, 'must hold at most 12 metrics'),
    milestones: z.array(milestoneSchema).max(30).default([]),
  })
  .superRefine(checkMetricRefs);

/** Fields left out stay as they are; `metrics` and `milestones`, when given, are the whole new list. */
export const campaignPatchSchema = z
  .strictObject({
    name: cleanText(200).optional(),
    timeZone: timeZone.optional(),
    startDate: isoDate.optional(),
    status: z.enum(['active', 'closed', 'archived'], 'must be active, closed or archived').optional(),
    metrics: z.array(metricSchema).min(1).max(12).optional(),
    milestones: z.array(milestoneSchema).max(30).optional(),
  })
  .superRefine(checkMetricRefs);

const reason = cleanText(500, { lineBreaks: true });

/** Targets entered on a page, or revised: every change needs its reason. */
export const targetsSchema = z.strictObject({
  metric: slug,
  reason,
  targets: z
    .array(z.strictObject({ unit: unitCode, target: z.int('must be an integer').min(0, 'must not be negative').max(100_000_000) }))
    .min(1, 'must hold at least one target')
    .max(20_000),
});

/** One total for a unit (the root by default), spread over its communes by population. */
export const targetSpreadSchema = z.strictObject({
  metric: slug,
  total: z.int('must be an integer').min(0).max(200_000_000),
  unit: unitCode.optional(),
  reason,
});

export const targetImportConfirmSchema = z.strictObject({ reason });

export const commitmentSchema = z.strictObject({
  metric: slug,
  unit: unitCode,
  date: isoDate,
  document: cleanText(200).optional(),
});

const login = z.string('must be text').trim().regex(/^[A-Za-z0-9._@-]{3,64}$/, 'must be 3-64 letters, digits, ".", "_", "@" or "-"');
const password = z.string('must be text').min(10, 'must be at least 10 characters').max(200, 'must be at most 200 characters');
const personRole = z.enum(['admin', 'leadership', 'chief', 'officer'], 'must be admin, leadership, chief or officer');

export const personCreateSchema = z.strictObject({
  login,
  name: cleanText(120),
  role: personRole,
  scope: unitCode,
  /** Without one, a one-time password is made and shown once. */
  password: password.optional(),
});

export const personPatchSchema = z.strictObject({
  name: cleanText(120).optional(),
  role: personRole.optional(),
  scope: unitCode.optional(),
  disabled: z.boolean('must be true or false').optional(),
  /** true: a new one-time password is made and shown once; every session of the person ends. */
  resetPassword: z.literal(true).optional(),
});

export const loginSchema = z.strictObject({
  login: z.string('must be text').trim().min(1, 'must not be empty').max(64),
  password: z.string('must be text').min(1, 'must not be empty').max(200),
});

export const passwordChangeSchema = z.strictObject({
  current: z.string('must be text').min(1).max(200),
  password,
});
