/**
 * Boundary maps (DESIGN.md §5): what the import API answers and what the map API serves,
 * shared by the server and the admin page.
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

/** A unit as the match report names it: its full name and its parent's. */
export interface MapUnitRef {
  code: string;
  name: string;
  parent: string | null;
}

/** Features are numbered from 0 in the order of the file. */
export interface MatchedFeature {
  feature: number;
  value: string;
  unit: MapUnitRef;
  by: MatchMethod;
}

export interface AmbiguousFeature {
  feature: number;
  value: string;
  parentValue: string | null;
  candidates: MapUnitRef[];
}

export interface UnmatchedFeature {
  feature: number;
  value: string;
  parentValue: string | null;
  /** `other-parent`: units of that name exist, but under other parents (the candidates). */
  reason: 'no-value' | 'unknown-name' | 'other-parent';
  candidates: MapUnitRef[];
}

/** A unit no feature was matched to: it keeps its schematic tile. */
export interface MissingUnit extends MapUnitRef {
  /** `ambiguous`: a feature may be this unit, but also another. */
  reason: 'no-feature' | 'ambiguous';
}

export interface MatchReport {
  level: MapLevel;
  property: string | null;
  parentProperty: string | null;
  features: number;
  /** Units of the level in this deployment. */
  units: number;
  matched: MatchedFeature[];
  ambiguous: AmbiguousFeature[];
  unmatched: UnmatchedFeature[];
  missing: MissingUnit[];
  /** Units made of several features (an island recorded apart), which are merged into one. */
  merged: { unit: string; features: number[] }[];
}

export interface MapPropertyInfo {
  name: string;
  /** A few values, to recognise the property by. */
  samples: string[];
  /** Features whose value names a unit of the level. */
  matched: number;
}

export interface MapLayerInfo {
  name: string;
  features: number;
}

/** `POST /api/v1/maps/import`: the match report of a file, stored as a draft, not yet shown. */
export interface MapImportPreview {
  /** Null when no feature names a unit: nothing was kept. */
  importId: number | null;
  fileName: string;
  layer: string;
  layers: MapLayerInfo[];
  proposedLevel: MapLevel;
  proposedProperty: string | null;
  proposedParentProperty: string | null;
  properties: MapPropertyInfo[];
  report: MatchReport;
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
