/**
 * Boundary maps (DESIGN.md §5): what the import API answers and what the map API serves,
 * shared by the server and the admin page, and the one rule that applies a person's decisions
 * (a unit picked for a feature, a feature excluded) to a match report: the admin page shows
 * its outcome as the admin decides, and the server stores that same outcome on confirmation.
 */
import type { MatchMethod } from './names.js';

/** The levels a boundary file may hold. */
export type MapLevel = 'district' | 'commune';
export const MAP_LEVELS: readonly MapLevel[] = ['district', 'commune'];

/** The largest boundary file accepted, as uploaded (a zip counts compressed). */
export const MAX_MAP_FILE_BYTES = 50 * 1024 * 1024;

/** `GET /api/v1/maps/:unit`: `imported`, `mixed` (schematic tiles stand in for some units) or `schematic`. */
export const MAP_SOURCE_HEADER = 'x-map-source';
/** The imported versions an answer was made from, as `district:12,commune:14` (empty for none). */
export const MAP_VERSION_HEADER = 'x-map-version';
export type MapSource = 'imported' | 'mixed' | 'schematic';

/** An override's value that leaves a feature out of the map. */
export const EXCLUDED = 'excluded';

/**
 * `POST /api/v1/maps/import/:importId/confirm`: decisions by feature number (from 0, in the
 * order of the file): the code of the unit the feature is, or `excluded`.
 */
export interface MapConfirmRequest {
  overrides?: Record<string, string>;
}

/** A unit as the match report names it: its full name and its parent's. */
export interface MapUnitRef {
  code: string;
  name: string;
  parent: string | null;
}

/** `hand`: a person chose the unit. */
export type MapMatchMethod = MatchMethod | 'hand';

/** Features are numbered from 0 in the order of the file. */
export interface MatchedFeature {
  feature: number;
  value: string;
  unit: MapUnitRef;
  by: MapMatchMethod;
  /** What confirmed a code: a name column naming the same unit, or the feature lying where the unit is. */
  confirmedBy?: 'name' | 'place';
}

export interface AmbiguousFeature {
  feature: number;
  value: string;
  parentValue: string | null;
  /** `same-name`: several units have the name; `unconfirmed-code`: a code nothing else in the file confirms. */
  reason: 'same-name' | 'unconfirmed-code';
  candidates: MapUnitRef[];
}

export interface UnmatchedFeature {
  feature: number;
  value: string;
  parentValue: string | null;
  /**
   * `no-column`: no column was chosen to name units; `no-value`: the feature's cell is empty;
   * `unknown-code`: a number that is no unit's code; `other-parent`: units of that name exist,
   * but under other parents (the candidates); `contradicted-code`: the code's unit (first
   * candidate) is not what the feature's name, parent or place say.
   */
  reason: 'no-column' | 'no-value' | 'unknown-name' | 'unknown-code' | 'other-parent' | 'contradicted-code';
  candidates: MapUnitRef[];
}

export interface UnitClaim {
  feature: number;
  value: string;
  by: MapMatchMethod;
  confirmedBy?: 'name' | 'place';
}

/**
 * Features that claim one unit but cannot be its parts (not a small islet apart from the main
 * part): a repeated name or code, or a mislabelled polygon. None of them is used until a
 * person decides. `claimed-by-hand`: a person gave the unit to other features.
 */
export interface ConflictingUnit {
  unit: MapUnitRef;
  reason: 'duplicate' | 'claimed-by-hand';
  claims: UnitClaim[];
}

/** A unit no feature was matched to: it keeps a schematic tile, apart from the real shapes. */
export interface MissingUnit extends MapUnitRef {
  /** `ambiguous`: an unresolved feature may be this unit; `conflict`: several features claim it. */
  reason: 'no-feature' | 'ambiguous' | 'conflict';
}

/** Features lying outside the deployment's known extent: a shifted file, or one of elsewhere. */
export interface OutsideWarning {
  features: number[];
  /** Those of them that are matched to a unit. */
  matched: number[];
  /** The median distance of those features from the extent, in km. */
  distanceKm: number;
  /** West, south, east, north in degrees. */
  extent: [number, number, number, number];
}

export interface MatchReport {
  level: MapLevel;
  property: string | null;
  parentProperty: string | null;
  /** A column saying each feature's unit type (Huyện, Thị xã…), which tells same names apart. */
  typeProperty: string | null;
  features: number;
  /** Units of the level in this deployment. */
  units: number;
  matched: MatchedFeature[];
  ambiguous: AmbiguousFeature[];
  unmatched: UnmatchedFeature[];
  conflicts: ConflictingUnit[];
  /** Features a person left out. */
  excluded: number[];
  missing: MissingUnit[];
  /** Units made of several features (an islet recorded apart), which are merged into one. */
  merged: { unit: string; features: number[] }[];
  outside: OutsideWarning | null;
}

export interface MapPropertyInfo {
  name: string;
  /** A few values, to recognise the property by. */
  samples: string[];
  /** Distinct units the property names on its own (codes only where the file confirms them). */
  matched: number;
  /**
   * `sequential`: consecutive whole numbers (row numbers, feature ids), never proposed as codes;
   * `same`: one value in every row (a province's name), never the unit column; `type`: unit types.
   */
  kind: 'values' | 'sequential' | 'same' | 'type';
}

export interface MapLayerInfo {
  name: string;
  features: number;
}

/** Why a level was proposed: the features' number and size against the catalog's units. */
export interface MapLevelEvidence {
  features: number;
  medianAreaKm2: number;
  byCount: MapLevel | null;
  byArea: MapLevel | null;
}

/** `POST /api/v1/maps/import`: the match report of a file, stored as a draft, not yet shown. */
export interface MapImportPreview {
  /** Null when no feature names a unit, even possibly: nothing was kept. */
  importId: number | null;
  fileName: string;
  layer: string;
  layers: MapLayerInfo[];
  /** Null when the number and the size of the features disagree (the level was chosen). */
  proposedLevel: MapLevel | null;
  levelEvidence: MapLevelEvidence;
  proposedProperty: string | null;
  proposedParentProperty: string | null;
  properties: MapPropertyInfo[];
  report: MatchReport;
  /** Every unit of the level, for a person to pick from. */
  choices: MapUnitRef[];
  size: { fileBytes: number; storedBytes: number; points: number; storedPoints: number };
  elapsedMs: number;
}

/** `POST /api/v1/maps/import/:importId/confirm`, and the list of versions. */
export interface MapVersionInfo {
  version: number;
  level: MapLevel;
  fileName: string;
  property: string | null;
  matched: number;
  missing: number;
  storedBytes: number;
  confirmedAt: string | null;
  active: boolean;
}

const byFeature = <T extends { feature: number }>(a: T, b: T) => a.feature - b.feature;

/**
 * The report as it stands after a person's decisions (`overrides`: feature → unit code or
 * `excluded`, already checked), given every unit of the level. A unit given by hand is made of
 * the features given to it (several are its parts); features the file matched to it are then
 * in conflict. A conflict left with one feature is resolved by that feature.
 */
export function resolveReport(report: MatchReport, overrides: ReadonlyMap<number, string>, units: readonly MapUnitRef[]): MatchReport {
  const unitOf = new Map(units.map((u) => [u.code, u]));
  const values = new Map<number, string>();
  for (const list of [report.matched, report.ambiguous, report.unmatched]) for (const f of list) values.set(f.feature, f.value);
  for (const c of report.conflicts) for (const claim of c.claims) values.set(claim.feature, claim.value);

  const byHand = new Map<string, UnitClaim[]>();
  for (const [feature, code] of overrides) {
    if (code === EXCLUDED || !unitOf.has(code)) continue;
    const claims = byHand.get(code) ?? byHand.set(code, []).get(code)!;
    claims.push({ feature, value: values.get(feature) ?? '', by: 'hand' });
  }
  const automatic = new Map<string, { claims: UnitClaim[]; conflict: ConflictingUnit['reason'] | null }>();
  const claim = (code: string, c: UnitClaim, conflict: ConflictingUnit['reason'] | null) => {
    if (overrides.has(c.feature)) return;
    const entry = automatic.get(code) ?? automatic.set(code, { claims: [], conflict: null }).get(code)!;
    entry.claims.push(c);
    entry.conflict ??= conflict;
  };
  for (const m of report.matched) claim(m.unit.code, { feature: m.feature, value: m.value, by: m.by, ...(m.confirmedBy ? { confirmedBy: m.confirmedBy } : {}) }, null);
  for (const c of report.conflicts) for (const x of c.claims) claim(c.unit.code, x, c.reason);

  const matched: MatchedFeature[] = [];
  const conflicts: ConflictingUnit[] = [];
  for (const unit of units) {
    const hand = byHand.get(unit.code);
    const auto = automatic.get(unit.code);
    if (hand) {
      matched.push(...hand.map((c) => ({ ...c, unit })));
      if (auto) conflicts.push({ unit, reason: 'claimed-by-hand', claims: auto.claims.sort(byFeature) });
    } else if (auto && (auto.conflict === null || auto.claims.length === 1)) {
      matched.push(...auto.claims.map((c) => ({ ...c, unit })));
    } else if (auto) {
      conflicts.push({ unit, reason: auto.conflict!, claims: auto.claims.sort(byFeature) });
    }
  }
  const ambiguous = report.ambiguous.filter((a) => !overrides.has(a.feature));
  const unmatched = report.unmatched.filter((u) => !overrides.has(u.feature));
  const used = new Set(matched.map((m) => m.unit.code));
  const inConflict = new Set(conflicts.map((c) => c.unit.code));
  const maybe = new Set(ambiguous.flatMap((a) => a.candidates.map((c) => c.code)));
  const partsOf = new Map<string, number[]>();
  for (const m of matched) (partsOf.get(m.unit.code) ?? partsOf.set(m.unit.code, []).get(m.unit.code)!).push(m.feature);
  const matchedFeatures = new Set(matched.map((m) => m.feature));
  const excluded = new Set(report.excluded.filter((f) => !overrides.has(f)));
  for (const [feature, code] of overrides) if (code === EXCLUDED) excluded.add(feature);

  return {
    ...report,
    matched: matched.sort(byFeature),
    ambiguous,
    unmatched,
    conflicts,
    excluded: [...excluded].sort((a, b) => a - b),
    missing: units
      .filter((u) => !used.has(u.code))
      .map((u) => ({ ...u, reason: inConflict.has(u.code) ? 'conflict' : maybe.has(u.code) ? 'ambiguous' : 'no-feature' })),
    merged: [...partsOf].filter(([, features]) => features.length > 1).map(([unit, features]) => ({ unit, features: features.sort((a, b) => a - b) })),
    outside: report.outside && { ...report.outside, matched: report.outside.features.filter((f) => matchedFeatures.has(f)) },
  };
}
