/**
 * The field contract: what a commune officer's phone and a district chief's page read. A
 * commune's standing is readable by whoever may read the commune (its officer cannot read the
 * district, so its rank there comes with it); silence is readable within the reader's scope.
 */
import type { DerivedFigures } from './math.js';
import type { UnitInfo } from './protocol.js';

/** Who sent a record: a signed-in person, or a key (a system, a sheet import). */
export interface Sender {
  kind: 'person' | 'key';
  name: string;
}

/** One record counted for a commune, as the officer sees it in today's list. */
export interface FieldEntry {
  id: string;
  /** `report`: the difference a cumulative total ("lũy kế") made. */
  origin: 'event' | 'report';
  metric: string;
  delta: number;
  occurredAt: string;
  receivedAt: string;
  source: string | null;
  reason: string | null;
  confirmed: boolean;
  sender: Sender | null;
}

export interface MetricStanding {
  metric: string;
  value: number;
  target: number;
  today: number;
  completedAt: number | null;
  /** Rank among the communes of the same parent (1 = first); null without a parent. */
  rank: number | null;
  /** How many communes share the parent. */
  of: number;
  /** Progress, pace, and what each of the metric's milestones needs per day. */
  derived: DerivedFigures;
}

/** GET /api/v1/campaigns/:id/standing?unit=<commune> */
export interface Standing {
  campaign: string;
  unit: UnitInfo;
  parent: UnitInfo | null;
  serverTime: number;
  metrics: MetricStanding[];
  /** The commune's records that happened today (local date), newest first, at most 100. */
  entries: FieldEntry[];
  /** Its records held by the plausibility rule: those waiting, and those decided in the last 7 days; newest first. */
  held: HeldRecord[];
}

export type HeldStatus = 'held' | 'confirmed' | 'rejected';

/**
 * A record a commune officer sent that the plausibility rule held: not counted, kept for a
 * chief to confirm (then counted at its own instant) or reject with a reason. Decided once.
 */
export interface HeldRecord {
  /** The held record's own number, for the chief's decision. */
  id: number;
  /** The sender's idempotency id. */
  recordId: string;
  /** `report`: a cumulative total ("lũy kế"). */
  origin: 'event' | 'report';
  campaign: string;
  metric: string;
  unit: string;
  unitName: string;
  parentName: string | null;
  /** What it would add (negative: take back); for a report, the difference when it was held. */
  delta: number;
  /** A report's total; null for a record of counted work. */
  total: number | null;
  /** When the work happened, or the total stood. */
  occurredAt: string;
  receivedAt: string;
  source: string | null;
  /** A correction's reason. */
  reason: string | null;
  sender: Sender | null;
  /** The limit it broke: the most at once, and why ("more than 25% of its target 6361"). */
  limit: { amount: number; why: string };
  status: HeldStatus;
  /** Who decided, when, and (a rejection) why. */
  decision: { by: string; at: string; reason: string | null } | null;
}

/** GET /api/v1/campaigns/:id/held?scope=<unit> */
export interface HeldList {
  campaign: string;
  scope: string;
  /** Waiting for a decision, oldest first. */
  held: HeldRecord[];
}

export interface SilentCommune {
  unit: string;
  name: string;
  /** The district (or province) it belongs to. */
  parentName: string | null;
  /** Its latest record by arrival, counted or held for a chief; null when it never reported. */
  last: {
    receivedAt: string;
    occurredAt: string;
    metric: string;
    delta: number;
    source: string | null;
    sender: Sender | null;
    /** Held by the plausibility rule, not counted (yet). */
    held: boolean;
  } | null;
}

/** GET /api/v1/campaigns/:id/silence?scope=<unit>&hours=<N> */
export interface SilenceReport {
  campaign: string;
  scope: string;
  hours: number;
  /** Communes with nothing received since this instant are silent. */
  since: string;
  serverTime: number;
  /** Communes in the scope. */
  communes: number;
  /** Never reported first, then the longest silent. */
  silent: SilentCommune[];
}

/** Silence is judged over at most 30 days. */
export const MAX_SILENCE_HOURS = 720;
export const DEFAULT_SILENCE_HOURS = 6;
