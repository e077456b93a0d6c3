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
}

export interface SilentCommune {
  unit: string;
  name: string;
  /** The district (or province) it belongs to. */
  parentName: string | null;
  /** Its latest record by arrival; null when it never reported. */
  last: {
    receivedAt: string;
    occurredAt: string;
    metric: string;
    delta: number;
    source: string | null;
    sender: Sender | null;
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
