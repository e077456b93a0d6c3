/**
 * The office's contract: the daily sheet of counts in (a preview, then one idempotent batch),
 * the progress table and the evening report out, and notes pinned to a unit and a date range.
 * Requests are validated by `office-schemas.ts` on the server.
 */
import type { z } from 'zod';
import type { countImportConfirmSchema, noteCreateSchema } from './office-schemas.js';

export type CountImportConfirm = z.infer<typeof countImportConfirmSchema>;
export type NoteCreate = z.infer<typeof noteCreateSchema>;

/** What a column of counts holds: the day's count ("Trong ngày") or the total so far ("Lũy kế"). */
export type CountKind = 'day' | 'total';

/** A column of the sheet read as counts of one metric. */
export interface CountColumn {
  sheet: string;
  /** Its letter, as Excel shows it: "E". */
  column: string;
  /** Its header, group and leaf joined: "Thu nhận CCCD · Lũy kế". */
  header: string;
  metric: string;
  kind: CountKind;
}

/**
 * One figure of the sheet (a commune, a metric) and what it would do. Totals are applied as
 * cumulative reports "total as of the end of the sheet's day"; a day's count becomes the value
 * at the start of that day plus the count.
 */
export interface CountCell {
  /** "14", or "Thạch Hà!14" in a workbook of several sheets. */
  row: string;
  column: string;
  unit: string;
  unitName: string;
  by: 'code' | 'name';
  metric: string;
  kind: CountKind;
  /** The figure as the sheet gives it. */
  figure: number;
  /** The total it stands for at the sheet's instant. */
  total: number;
  /** The value held now at that instant. */
  current: number;
  /** total - current: what would be applied (negative: a correction). */
  delta: number;
  /**
   * `change`: would be applied; `unchanged`: the value is already that; `duplicate`: this very
   * figure was imported before (from this file or another), so nothing is applied again.
   */
  status: 'change' | 'unchanged' | 'duplicate';
  /** The total an earlier sheet of the same day gave, when this one differs from it. */
  revises: number | null;
  /** Why the plausibility rule holds the amount (it needs `confirmed`), if it does. */
  implausible: string | null;
}

export interface CountImportProblem {
  /** The row ("14", "Thạch Hà!14"), or null for a problem of a column or the file. */
  row: string | null;
  /** The column it is about, when it is about one: 'I "Kích hoạt ĐDĐT · Lũy kế"'. */
  column?: string;
  message: string;
  candidates?: { code: string; name: string }[];
}

/**
 * POST /api/v1/campaigns/:id/counts/import?name=&date=&kind= with the XLSX or CSV file as the
 * body: nothing is applied yet. Then POST …/counts/import/:importId/confirm {reason?, confirmed?}.
 */
export interface CountImportPreview {
  importId: string;
  fileName: string;
  /** The day the figures are for. */
  date: string;
  /** Where the day was read: the sheet's title, or the request's `date`. */
  dateFrom: 'title' | 'request';
  /** The instant the totals stand at: the end of the day, or the time of reading for today's sheet. */
  asOf: string;
  columns: CountColumn[];
  cells: CountCell[];
  problems: CountImportProblem[];
  /** Not in the way of applying: a day's count that disagrees with the total beside it, a total row off. */
  warnings: CountImportProblem[];
  /** Communes of the districts the sheet covers (within the caller's scope) that it has no row for. */
  missing: { unit: string; unitName: string }[];
  summary: { metric: string; changes: number; increase: number; decrease: number; unchanged: number; duplicates: number }[];
  /** Some figure lowers a value or revises an earlier sheet of the day: confirming needs a reason. */
  needsReason: boolean;
  /**
   * Some amount is held by the plausibility rule: confirming needs `confirmed: true`. Never for
   * a commune officer, who may not confirm: such amounts are held for a chief when applied.
   */
  needsConfirmation: boolean;
}

export interface CountImportResult {
  /** Values changed. */
  applied: number;
  unchanged: number;
  duplicates: number;
  /** Figures held by the plausibility rule for a chief to confirm or reject (an officer's sheet). */
  held: number;
  seq: number | null;
}

/** One unit's line of the progress table (a scope's children, ranked). */
export interface ProgressRow {
  /** Rank among its siblings (progress, then earlier completion, then code). */
  rank: number;
  unit: string;
  /** The unit's full name ("Huyện Thạch Hà"), and its name alone ("Thạch Hà"). */
  unitName: string;
  name: string;
  target: number;
  value: number;
  /** value / target, rounded honestly to 0.1% (never 100% before done); null without a target. */
  progress: number | null;
  remaining: number;
  /** The day's gain. */
  today: number;
  /** Mean daily gain over the 7 full days before. */
  pace: number;
  /** Per day from then on, for each of the metric's milestones (null once it has passed). */
  needs: (number | null)[];
  /** The day it reached its target (null: not done). */
  finishedOn: string | null;
  /** Its place in the finish order among its siblings. */
  finishOrder: number | null;
  /** When it would finish at its pace (not done), or null. */
  projectedFinish: string | null;
}

/** GET /api/v1/campaigns/:id/table?scope=&date=&metric=: what the exports hold. */
export interface ProgressTable {
  campaign: { id: string; name: string };
  scope: { code: string; name: string };
  metric: { key: string; name: string };
  /** The day shown. */
  date: string;
  /** Live (today, at `asOf`) or the end of a past day. */
  live: boolean;
  asOf: string;
  milestones: { name: string; date: string }[];
  rows: ProgressRow[];
  /** The scope itself. */
  total: ProgressRow;
}

/** A record that took something back on the report's day. */
export interface CorrectionItem {
  unit: string;
  unitName: string;
  metric: string;
  delta: number;
  occurredAt: string;
  reason: string | null;
  /** Who sent it: a person's or a key's name, or the record's source. */
  by: string;
}

/** A note pinned to a unit and a date range, shown on the pace charts and in history. */
export interface NoteInfo {
  id: number;
  campaign: string;
  unit: string;
  unitName: string;
  from: string;
  to: string;
  text: string;
  author: string;
  createdAt: string;
}

export interface MilestoneCountdown {
  name: string;
  date: string;
  document?: string;
  /** Whole days from the report's day to the milestone (0 on the day, negative once past). */
  daysLeft: number;
  metrics: { metric: string; required: number | null; daysAhead: number | null; done: boolean }[];
}

/** GET /api/v1/campaigns/:id/report?scope=&date=: the evening report ("Báo cáo nhanh"). */
export interface EveningReport {
  campaign: { id: string; name: string; timeZone: string };
  scope: { code: string; name: string; level: string };
  date: string;
  live: boolean;
  asOf: string;
  /** The level the map and the ranking show: the scope's children. */
  childLevel: string | null;
  metrics: { key: string; name: string; shortName: string; table: ProgressTable }[];
  milestones: MilestoneCountdown[];
  /** Communes of the scope with no record that day (counted or held for a chief), not done in every metric. */
  silent: { unit: string; unitName: string; parentName: string | null }[];
  /** Communes with no record that day that are done in every metric. */
  silentDone: number;
  communes: number;
  corrections: CorrectionItem[];
  notes: NoteInfo[];
}
