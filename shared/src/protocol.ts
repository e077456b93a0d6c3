/**
 * The public contract: the shapes of ingestion payloads and answers (validated by
 * `schemas.ts` on the server, documented in the README) and the Socket.IO event maps used by
 * both the server and the web app.
 */
import type { z } from 'zod';
import type { MapLevel } from './maps.js';
import type { eventBatchSchema, eventSchema, keyRequestSchema, reportBatchSchema, reportSchema } from './schemas.js';

export type IngestEvent = z.infer<typeof eventSchema>;
export type EventBatch = z.infer<typeof eventBatchSchema>;
export type CumulativeReport = z.infer<typeof reportSchema>;
export type ReportBatch = z.infer<typeof reportBatchSchema>;

export interface EventBatchResult {
  accepted: number;
  duplicates: number;
  seq: number | null;
  /** Records held by the plausibility rule for a chief to decide (only for senders who may not decide themselves); the answer is then 202. */
  held?: HeldOutcome[];
}

export interface ReportBatchResult {
  /** Reports that changed a value. */
  accepted: number;
  /** Reports whose total equalled the current value. */
  unchanged: number;
  duplicates: number;
  seq: number | null;
  held?: HeldOutcome[];
}

/**
 * A record of a batch that was not counted but kept for a chief: `held` now (or still, on a
 * retry), or `rejected` by a chief with the reason. A confirmed one is counted, and a retry of
 * it is a duplicate like any other.
 */
export interface HeldOutcome {
  /** Where it stands in the request: "events[0]". */
  path: string;
  id: string;
  status: 'held' | 'rejected';
  /** The most it may move the commune at once, which it exceeds. */
  limit: number;
  message: string;
  /** A rejection's reason. */
  reason?: string;
}

// ---- Campaigns, units and live values ----

export type UnitLevel = 'country' | 'province' | 'district' | 'commune';

/** The code of the whole country in the shipped catalog (ROOT_UNIT=VN). */
export const COUNTRY_CODE = 'VN';

export interface UnitInfo {
  code: string;
  name: string;
  /** Name with its type, as people write it: "Huyện Thạch Hà". */
  fullName: string;
  type: string;
  level: UnitLevel;
  parent: string | null;
}

export interface MetricInfo {
  key: string;
  name: string;
  /** What fits a ticker or a narrow column: "CCCD", "ĐDĐT thu nhận". */
  shortName?: string;
  /** When its work began, if after the campaign's start; its pace and plan start there. */
  startDate?: string;
  /** The intake metric this one activates (eID activation of eID intake). */
  activationOf?: string;
  /** When a record is implausible enough to be refused unless its sender confirms it. */
  plausibility?: PlausibilityRule;
}

/**
 * One amount (a record, a commune's records in one batch, or a report's difference) is
 * implausible beyond `shareOfTarget` of the commune's target, or beyond `timesBestDay` its best
 * day once it has `minDays` days of records; never below `floor`.
 */
export interface PlausibilityRule {
  shareOfTarget: number;
  timesBestDay: number;
  minDays: number;
  floor: number;
}

export const DEFAULT_PLAUSIBILITY: PlausibilityRule = { shareOfTarget: 0.25, timesBestDay: 20, minDays: 7, floor: 500 };

export interface MilestoneInfo {
  name: string;
  date: string;
  /** The metrics it binds; a metric is judged against its own milestones only. */
  metrics: string[];
  /** The document that set it: "Điện 16/HT ngày 21/3/2023". */
  document?: string;
}

/** A unit's own date for a metric, shown beside the campaign's milestones. */
export interface CommitmentInfo {
  metric: string;
  unit: string;
  date: string;
  document?: string;
}

export type CampaignStatus = 'active' | 'closed' | 'archived';

export interface CampaignInfo {
  id: string;
  name: string;
  timeZone: string;
  startDate: string;
  rootUnit: string;
  /** Closed: no more records; archived: kept, not shown. */
  status: CampaignStatus;
  metrics: MetricInfo[];
  milestones: MilestoneInfo[];
  commitments: CommitmentInfo[];
}

/** The milestones a metric is judged against, in date order. */
export function milestonesOf(campaign: Pick<CampaignInfo, 'milestones'>, metric: string): MilestoneInfo[] {
  return campaign.milestones.filter((m) => m.metrics.includes(metric)).sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}

/** A campaign as one metric sees it: its own start and its own milestones. */
export function metricView(campaign: Pick<CampaignInfo, 'startDate' | 'timeZone' | 'metrics' | 'milestones'>, metric: string) {
  return { startDate: metricStart(campaign, metric), timeZone: campaign.timeZone, milestones: milestonesOf(campaign, metric) };
}

/** The first day a metric's work counts for its pace and plan. */
export function metricStart(campaign: Pick<CampaignInfo, 'startDate' | 'metrics'>, metric: string): string {
  const own = campaign.metrics.find((m) => m.key === metric)?.startDate;
  return own && own > campaign.startDate ? own : campaign.startDate;
}

export interface MetricValue {
  value: number;
  target: number;
  /** Gained since local midnight. */
  today: number;
  /** Gained over the last 7 full local days. */
  last7: number;
  /** Epoch ms at which the value first reached the target. */
  completedAt: number | null;
}

export interface UnitValues {
  code: string;
  metrics: Record<string, MetricValue>;
}

/**
 * Every unit of a scope with its values, as the HTTP snapshot answers it (the socket sends the
 * same in the compact form of `LiveBody`, and the unit catalog on its own URL).
 */
export interface Snapshot {
  /** Identity of the change log the sequence numbers belong to (see `Heartbeat.epoch`). */
  epoch: string;
  campaign: CampaignInfo;
  scope: string;
  seq: number;
  serverTime: number;
  units: UnitInfo[];
  values: UnitValues[];
}

/**
 * Live values in columns, the form they travel in: for each metric, five numbers per unit of
 * `codes` in its order: value, target, today, last7, completedAt (epoch ms, or null).
 */
export interface CompactValues {
  codes: string[];
  metrics: Record<string, (number | null)[]>;
}

/**
 * A subscription's scope and the levels below it that it covers: `depth` 0 is the scope alone,
 * 1 its children too; null, every level. A wall follows the levels it draws.
 */
export interface Coverage {
  campaign: string;
  scope: string;
  depth: number | null;
}

/**
 * The body of a subscribe reply, built and serialized once per scope, depth and sequence number
 * for every screen that asks: a snapshot carries the campaign, a resume only the values.
 */
export interface LiveBody {
  campaign?: CampaignInfo;
  values: CompactValues;
}

/**
 * GET /api/v1/campaigns/:id/units?scope=&depth=: the units a subscription covers, parents
 * first. They change rarely: `version` (also the ETag) is what subscribe replies name, so a
 * screen fetches them again only when they changed.
 */
export interface UnitCatalog extends Coverage {
  version: string;
  units: UnitInfo[];
}

/**
 * Values of every unit of the subscription that changed in (prevSeq, seq], as absolute values.
 * A client at sequence s applies it when prevSeq <= s < seq; when s < prevSeq it has missed
 * something and resumes. The records of the same flush ride along for the ticker: one message
 * per subscription and flush.
 */
export interface ChangeMessage extends Coverage {
  seq: number;
  prevSeq: number;
  serverTime: number;
  values: CompactValues;
  /** Records counted in this flush, within the scope. Lossy by design. */
  activity?: ActivityItem[];
  /**
   * The records' units and their parents that lie below the subscription's depth (so not in
   * its catalog), for the ticker to name them.
   */
  units?: UnitInfo[];
}

export interface Heartbeat {
  /**
   * Identity of the server's change log. Sequence numbers of two logs (a database reset or
   * restored, another data directory) cannot be compared: a client holding values of another
   * epoch drops them and asks for a fresh snapshot.
   */
  epoch: string;
  seq: number;
  serverTime: number;
  /** How fast the server's clock runs: 1 live, more when a past campaign is replayed. */
  clockRate: number;
}

export interface SubscribeRequest {
  campaign: string;
  scope: string;
  /** The levels below the scope to follow (see `Coverage`); omitted, every level. */
  depth?: number;
  /** The last sequence number the client holds; omitted for a fresh snapshot. */
  since?: number;
  /** The epoch `since` belongs to; a resume from another epoch is answered with a snapshot. */
  epoch?: string;
  /** `gzip`: the client can inflate the reply's body (DecompressionStream); else it comes as it is. */
  encoding?: BodyEncoding;
}

export type BodyEncoding = 'gzip' | 'identity';

/**
 * Why a request was refused: `unauthorized` (no key, or an unknown or revoked one: the screen
 * must drop the stored key and ask for another), `forbidden` (the key may not see that scope),
 * `invalid` (a malformed request), `busy` (too many subscriptions or attempts: retry later),
 * `unavailable` (the server cannot answer now: retry).
 */
export type RefusalCode = 'unauthorized' | 'forbidden' | 'invalid' | 'busy' | 'unavailable';

/** Sent before the server ends a socket's access, e.g. when its key is revoked. */
export interface AccessEnded {
  code: RefusalCode;
  message: string;
}

/**
 * A subscription's answer: what it covers, where the values stand, the version of its unit
 * catalog, and the body (a `LiveBody` as UTF-8 JSON, gzipped when asked), which every screen
 * asking for the same thing shares.
 */
export interface LiveReply extends Coverage {
  ok: true;
  kind: 'snapshot' | 'resume';
  epoch: string;
  seq: number;
  serverTime: number;
  catalog: string;
  encoding: BodyEncoding;
  body: Uint8Array | ArrayBuffer;
}

export type SubscribeReply = LiveReply | { ok: false; code: RefusalCode; error: string };

/** A commune's counted work in one flush, for the ticker of recent records. */
export interface ActivityItem {
  unit: string;
  metric: string;
  delta: number;
  occurredAt: number;
}

export interface ServerToClientEvents {
  changes: (message: ChangeMessage) => void;
  heartbeat: (message: Heartbeat) => void;
  mapChanged: (message: MapChangedMessage) => void;
  /** An admin changed the campaign (metrics, milestones, targets, status): subscribe afresh. */
  campaignChanged: (message: { campaign: string }) => void;
  /** The socket's access has ended (its key was revoked); the server disconnects it next. */
  accessEnded: (message: AccessEnded) => void;
}

/** An admin confirmed a boundary file: every screen fetches its map again. */
export interface MapChangedMessage {
  level: MapLevel;
  version: number;
}

export interface ClientToServerEvents {
  subscribe: (request: SubscribeRequest, reply: (result: SubscribeReply) => void) => void;
  unsubscribe: (request: Coverage) => void;
}

/** How often the server coalesces changes into one message per room. */
export const COALESCE_MS = 250;
export const HEARTBEAT_MS = 5000;

// ---- History (REST) ----

/** GET /api/v1/campaigns/:id/series?unit=<code>: the unit's value at the end of each day. */
export interface SeriesResponse {
  campaign: string;
  unit: string;
  /** Per metric, one point per local date from the campaign start to today (or its last day). */
  metrics: Record<string, { date: string; value: number }[]>;
}

/**
 * GET /api/v1/campaigns/:id/history?scope=<code>&date=YYYY-MM-DD: every unit of the scope as
 * it stood at the end of that local date (`today` is that day's gain, `last7` the 7 days before).
 */
export interface HistoryResponse {
  campaign: string;
  scope: string;
  date: string;
  values: UnitValues[];
}

// ---- Keys (admin) ----

export type KeyRequest = z.infer<typeof keyRequestSchema>;

export interface KeyRevoked {
  id: number;
  revokedAt: string;
}

/** The secret `key` is shown in this answer only. */
export interface KeyCreated {
  id: number;
  name: string;
  role: KeyRequest['role'];
  scope: string;
  key: string;
}
