/**
 * The administration contract: campaigns, targets, commitments, units, people, sessions and the
 * audit trail. Requests are validated by `admin-schemas.ts` on the server; the web app's admin
 * pages use these types.
 *
 * Who may do what (one table for keys and people; a scope is a unit and everything below it):
 * - admin (person or key): campaigns, units, targets, commitments, people, keys, maps, audit;
 * - leadership: reads everything in its scope, the audit trail, and annotates;
 * - chief: its subtree: manages its officers, reports and corrects on a commune's behalf;
 * - officer: reports for its own commune;
 * - keys of role ingest report; keys of role display only read.
 */
import type { z } from 'zod';
import type {
  campaignCreateSchema, campaignPatchSchema, commitmentSchema, loginSchema, personCreateSchema, personPatchSchema,
  targetSpreadSchema, targetsSchema,
} from './admin-schemas.js';

export type PersonRole = 'admin' | 'leadership' | 'chief' | 'officer';
export type KeyRole = 'ingest' | 'display' | 'admin';

export type CampaignCreate = z.infer<typeof campaignCreateSchema>;
export type CampaignPatch = z.infer<typeof campaignPatchSchema>;
export type TargetsRequest = z.infer<typeof targetsSchema>;
export type TargetSpreadRequest = z.infer<typeof targetSpreadSchema>;
export type CommitmentRequest = z.infer<typeof commitmentSchema>;
export type PersonCreate = z.infer<typeof personCreateSchema>;
export type PersonPatch = z.infer<typeof personPatchSchema>;
export type LoginRequest = z.infer<typeof loginSchema>;

/** GET /api/v1/campaigns/:id/targets?metric=: every unit's target, and where it comes from. */
export interface TargetRow {
  unit: string;
  target: number;
  /** Set on this unit (otherwise the sum of its children's). */
  explicit: boolean;
}

/** A target as it stood from `validFrom` on, and why it changed. */
export interface TargetVersion {
  unit: string;
  metric: string;
  /** null: from then on the sum of its children's targets. */
  target: number | null;
  validFrom: string;
  reason: string;
  author: string;
}

/**
 * POST /api/v1/campaigns/:id/targets/import?metric=&name= with the CSV or XLSX file as the body
 * (application/octet-stream): nothing is applied yet. Then
 * POST /api/v1/campaigns/:id/targets/import/:importId/confirm { reason }.
 */
export interface TargetImportPreview {
  importId: string;
  metric: string;
  /** Rows that found their unit, with the target they would set and the one they replace. */
  matched: { row: number; unit: string; unitName: string; target: number; current: number | null; by: 'code' | 'name' }[];
  /** Rows refused, each with its reason: "row 14: "12a" is not a number", unknown or ambiguous names. */
  problems: { row: number; message: string; candidates?: { code: string; name: string }[] }[];
  /** Communes of the campaign the file leaves without a target. */
  missing: { unit: string; unitName: string }[];
  total: number;
}

/**
 * POST /api/v1/units/import?name= with the catalog file (CSV or XLSX: code, name, type,
 * parent code, optional population) as the body: a preview. Then
 * POST /api/v1/units/import/:importId/confirm.
 */
export interface CatalogImportPreview {
  importId: string;
  /** Units by level, from the root down: two levels (province, commune) or three. */
  levels: { level: string; count: number }[];
  root: { code: string; name: string } | null;
  problems: { row: number; message: string }[];
  /** Whether it can be confirmed (no problem). */
  ok: boolean;
}

export interface PersonInfo {
  id: number;
  login: string;
  name: string;
  role: PersonRole;
  scope: string;
  disabled: boolean;
  createdAt: string;
}

/** POST /api/v1/people answers this; the one-time password is shown once. */
export interface PersonCreated extends PersonInfo {
  /** Set when the request gave no password: the person changes it at first sign-in. */
  oneTimePassword: string | null;
}

/** GET /api/v1/session: who is signed in (404 when nobody is). */
export interface SessionInfo {
  person: PersonInfo;
  expiresAt: string;
  /** The password was set by an administrator: nothing else is allowed until it is changed. */
  mustChangePassword: boolean;
}

export interface KeyInfo {
  id: number;
  name: string;
  role: KeyRole;
  scope: string;
  createdAt: string;
  revokedAt: string | null;
}

/**
 * GET /api/v1/audit?unit=&actor=&kind=&from=&to=&limit=&before= (JSON) or with
 * `format=csv` (a CSV file with the same filters).
 */
export interface AuditEntry {
  id: number;
  at: string;
  actor: { kind: 'person' | 'key' | 'system'; id: number | null; name: string };
  /** e.g. campaign.create, target.revise, person.disable, key.revoke, count.correct, map.confirm */
  action: string;
  entity: string;
  entityId: string | null;
  unit: string | null;
  campaign: string | null;
  before: unknown;
  after: unknown;
  reason: string | null;
}

export interface AuditPage {
  entries: AuditEntry[];
  /** Pass as `before` for the next page; null at the end. */
  next: number | null;
}
