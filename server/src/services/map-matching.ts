/**
 * Which unit each feature of a boundary file is: the property that names units is proposed
 * from how many features it names, a parent property (the district of a commune) narrows names
 * that repeat, and the match report says what was matched, what not, and why.
 */
import {
  indexUnits, matchUnit, parentCodes, valueText,
  type MapLevel, type MapPropertyInfo, type MapUnitRef, type MatchReport, type UnitIndex, type UnitInfo,
} from '@tiendo/shared';
import type { BoundaryFeature, Polygon } from './boundary-file.js';

/** Properties beyond this many are not offered: no real boundary file has that many columns. */
const MAX_PROPERTIES = 60;
/** A parent property is proposed when it names a parent for at least this share of the features. */
const PARENT_SHARE = 0.5;

/** The deployment's units, by code, with the lookups matching needs. */
export class UnitTree {
  readonly byCode: ReadonlyMap<string, UnitInfo>;
  private readonly indexes = new Map<string, UnitIndex>();

  constructor(readonly units: readonly UnitInfo[]) {
    this.byCode = new Map(units.map((u) => [u.code, u]));
  }

  at(level: UnitInfo['level']): UnitInfo[] {
    return this.units.filter((u) => u.level === level);
  }

  index(level: UnitInfo['level']): UnitIndex {
    let index = this.indexes.get(level);
    if (!index) this.indexes.set(level, (index = indexUnits(this.at(level))));
    return index;
  }

  /** Whether `code` is `scope` or lies below it. */
  within = (code: string, scope: string): boolean => {
    for (let unit = this.byCode.get(code); unit; unit = unit.parent ? this.byCode.get(unit.parent) : undefined) {
      if (unit.code === scope) return true;
    }
    return false;
  };

  /** The unit and everything below it, the unit first. */
  subtree(code: string): UnitInfo[] {
    return this.units.filter((u) => this.within(u.code, code)).sort((a, b) => (a.code === code ? -1 : b.code === code ? 1 : 0));
  }

  ref(unit: UnitInfo): MapUnitRef {
    return { code: unit.code, name: unit.fullName, parent: unit.parent ? (this.byCode.get(unit.parent)?.fullName ?? null) : null };
  }
}

export const PARENT_LEVEL: Record<MapLevel, UnitInfo['level']> = { district: 'province', commune: 'district' };

/** Every property holding text or numbers, with a few sample values, in the order first seen. */
export function propertiesOf(features: readonly BoundaryFeature[]): { name: string; samples: string[] }[] {
  const found = new Map<string, Set<string>>();
  for (const feature of features) {
    for (const [name, value] of Object.entries(feature.properties)) {
      const text = valueText(value);
      if (!text) continue;
      if (!found.has(name)) {
        if (found.size >= MAX_PROPERTIES) continue;
        found.set(name, new Set());
      }
      const samples = found.get(name)!;
      if (samples.size < 3) samples.add(text);
    }
  }
  return [...found].map(([name, samples]) => ({ name, samples: [...samples] }));
}

/** How many features each property names a unit of the level for, on its own. */
export function rankProperties(features: readonly BoundaryFeature[], index: UnitIndex): MapPropertyInfo[] {
  return propertiesOf(features).map(({ name, samples }) => ({
    name,
    samples,
    matched: features.filter((f) => matchUnit(index, f.properties[name]).kind === 'matched').length,
  }));
}

/** The property naming most units; null when none names any. */
export function bestProperty(ranked: readonly MapPropertyInfo[]): string | null {
  const best = ranked.reduce<MapPropertyInfo | null>((a, p) => (p.matched > (a?.matched ?? 0) ? p : a), null);
  return best?.name ?? null;
}

/** The property that names the features' parents (the district of a commune), if one does. */
export function parentProperty(features: readonly BoundaryFeature[], parents: UnitIndex, exclude: string | null): string | null {
  let best: { name: string; count: number } | null = null;
  for (const { name } of propertiesOf(features)) {
    if (name === exclude) continue;
    const count = features.filter((f) => matchUnit(parents, f.properties[name]).kind !== 'none').length;
    if (count >= features.length * PARENT_SHARE && count > (best?.count ?? 0)) best = { name, count };
  }
  return best?.name ?? null;
}

export interface Matching {
  report: MatchReport;
  /** The matched units with the polygons of all their features. */
  units: { unit: UnitInfo; polygons: Polygon[] }[];
}

export function matchFeatures(
  features: readonly BoundaryFeature[],
  tree: UnitTree,
  level: MapLevel,
  property: string | null,
  parent: string | null,
): Matching {
  const index = tree.index(level);
  const parentIndex = tree.index(PARENT_LEVEL[level]);
  const report: MatchReport = {
    level, property, parentProperty: parent, features: features.length, units: tree.at(level).length,
    matched: [], ambiguous: [], unmatched: [], missing: [], merged: [],
  };
  const polygons = new Map<string, { unit: UnitInfo; polygons: Polygon[]; features: number[] }>();
  const maybe = new Set<string>();
  features.forEach((f, i) => {
    const value = property ? valueText(f.properties[property]) : '';
    const parentValue = parent ? valueText(f.properties[parent]) || null : null;
    const parents = parentValue ? parentCodes(matchUnit(parentIndex, parentValue)) : null;
    const match = matchUnit(index, value, parents);
    if (match.kind === 'matched') {
      report.matched.push({ feature: i, value, unit: tree.ref(match.unit), by: match.by });
      const entry = polygons.get(match.unit.code);
      if (entry) {
        entry.polygons.push(...f.polygons);
        entry.features.push(i);
      } else {
        polygons.set(match.unit.code, { unit: match.unit, polygons: [...f.polygons], features: [i] });
      }
    } else if (match.kind === 'ambiguous') {
      report.ambiguous.push({ feature: i, value, parentValue, candidates: match.candidates.map((u) => tree.ref(u)) });
      for (const u of match.candidates) maybe.add(u.code);
    } else {
      report.unmatched.push({ feature: i, value, parentValue, reason: match.reason, candidates: match.candidates.map((u) => tree.ref(u)) });
    }
  });
  for (const unit of tree.at(level)) {
    if (!polygons.has(unit.code)) report.missing.push({ ...tree.ref(unit), reason: maybe.has(unit.code) ? 'ambiguous' : 'no-feature' });
  }
  report.merged = [...polygons.values()].filter((e) => e.features.length > 1).map((e) => ({ unit: e.unit.code, features: e.features }));
  return { report, units: [...polygons.values()].map(({ unit, polygons: p }) => ({ unit, polygons: p })) };
}
