/**
 * Which unit each feature of a boundary file is. A wrong map on a leadership wall is worse than
 * the schematic, so nothing is matched on a coincidence:
 * - A code counts only when the file confirms it: a name column naming the same unit, or the
 *   feature lying where the unit is. A code that the name, the parent or the place contradict
 *   is refused; one that nothing confirms waits for a person.
 * - A column of consecutive whole numbers (row numbers, feature ids) is never proposed, nor one
 *   with a single value in every row (the province's name); columns are ranked by the distinct
 *   units they name, not by the features they match.
 * - A name that fits several units is told apart by the name's own type ("Huyện Kỳ Anh"), a
 *   type column, or the parent column, and is otherwise left to a person, never guessed.
 * - Several features claiming one unit are its parts only when the others are small islets
 *   apart from the main part; otherwise they are a conflict, and none of them is used.
 */
import {
  indexUnits, matchCode, matchName, matchUnit, parentCodes, resolveReport, typeOfValue, valueText,
  type MapLevel, type MapPropertyInfo, type MapUnitRef, type MatchMethod, type MatchReport,
  type NameMatch, type UnitIndex, type UnitInfo, type UnitType,
} from '@tiendo/shared';
import type { BoundaryFeature } from './boundary-file.js';
import { distanceKm, touches, type KnownPlaces, type PlacedFeature } from './map-places.js';

/** Properties beyond this many are not offered: no real boundary file has that many columns. */
const MAX_PROPERTIES = 60;
/** A parent property is proposed when it names a parent for at least this share of the features. */
const PARENT_SHARE = 0.5;
/** A type column says a type of the level for at least this share of its values. */
const TYPE_SHARE = 0.9;
/** A name column names mostly distinct units: at least this share of the features it names. */
const DISTINCT_SHARE = 0.5;
/** A second feature of a unit is a part (an islet) only when at most this share of the main one. */
const PART_SHARE = 0.2;

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

  refs(level: MapLevel): MapUnitRef[] {
    return this.at(level).map((u) => this.ref(u));
  }
}

export const PARENT_LEVEL: Record<MapLevel, UnitInfo['level']> = { district: 'province', commune: 'district' };

export interface Column {
  name: string;
  samples: string[];
  kind: 'values' | 'sequential' | 'same';
}

/** Every property holding text or numbers, in the order first seen, with what its values look like. */
export function columnsOf(features: readonly BoundaryFeature[]): Column[] {
  const found = new Map<string, { samples: Set<string>; values: string[] }>();
  for (const feature of features) {
    for (const [name, value] of Object.entries(feature.properties)) {
      const text = valueText(value);
      if (!text) continue;
      if (!found.has(name)) {
        if (found.size >= MAX_PROPERTIES) continue;
        found.set(name, { samples: new Set(), values: [] });
      }
      const column = found.get(name)!;
      if (column.samples.size < 3) column.samples.add(text);
      column.values.push(text);
    }
  }
  return [...found].map(([name, { samples, values }]) => ({ name, samples: [...samples], kind: kindOf(values, features.length) }));
}

function kindOf(values: readonly string[], rows: number): Column['kind'] {
  const distinct = new Set(values);
  if (rows > 1 && distinct.size === 1) return 'same';
  // Whole numbers without leading zeros, each once, with no gap: rows numbered, not units coded.
  if (values.length === rows && rows >= 3 && distinct.size === rows && values.every((v) => /^(0|[1-9]\d{0,8})$/.test(v))) {
    const numbers = values.map(Number);
    if (Math.max(...numbers) - Math.min(...numbers) + 1 === rows) return 'sequential';
  }
  return 'values';
}

/** What matching needs to know besides the file: the units, the level, and where things are. */
export interface MatchContext {
  tree: UnitTree;
  level: MapLevel;
  places: KnownPlaces;
  /** Each feature's point, box and area, in the order of the file. */
  placed: readonly PlacedFeature[];
}

export interface MatchColumns {
  unit: string | null;
  parent: string | null;
  type: string | null;
  /** Columns naming units by name, which confirm a code or tell a name apart. */
  names: readonly string[];
}

type Outcome =
  | { kind: 'claim'; value: string; unit: UnitInfo; by: MatchMethod; confirmedBy?: 'name' | 'place' }
  | { kind: 'ambiguous'; value: string; parentValue: string | null; reason: 'same-name' | 'unconfirmed-code'; candidates: UnitInfo[] }
  | {
      kind: 'unmatched';
      value: string;
      parentValue: string | null;
      reason: 'no-column' | 'no-value' | 'unknown-name' | 'unknown-code' | 'other-parent' | 'contradicted-code';
      candidates: UnitInfo[];
    };

/** Each feature's outcome on its own, before claims on one unit are weighed against each other. */
function outcomes(features: readonly BoundaryFeature[], ctx: MatchContext, columns: MatchColumns): Outcome[] {
  const index = ctx.tree.index(ctx.level);
  const parentIndex = ctx.tree.index(PARENT_LEVEL[ctx.level]);
  const names = columns.names.filter((n) => n !== columns.unit && n !== columns.parent);
  return features.map((f, i): Outcome => {
    const value = columns.unit ? valueText(f.properties[columns.unit]) : '';
    const parentValue = columns.parent ? valueText(f.properties[columns.parent]) || null : null;
    if (!columns.unit) return { kind: 'unmatched', value, parentValue, reason: 'no-column', candidates: [] };
    if (!value) return { kind: 'unmatched', value, parentValue, reason: 'no-value', candidates: [] };
    const parents = parentValue ? parentCodes(matchUnit(parentIndex, parentValue)) : null;
    const type = columns.type ? typeOfValue(f.properties[columns.type], ctx.level) : null;
    const namedBy = (column: string): NameMatch => matchName(index, f.properties[column], parents, type);

    const coded = matchCode(index, value);
    if (coded) {
      const others = names.map(namedBy).filter((m) => m.kind !== 'none');
      const agreeing = others.some((m) => (m.kind === 'matched' ? m.unit === coded : m.kind === 'ambiguous' && m.candidates.includes(coded)));
      const named = others.flatMap((m) => (m.kind === 'matched' ? [m.unit] : m.kind === 'ambiguous' ? m.candidates : [])).filter((u) => u !== coded);
      const parentDisagrees = parents !== null && coded.parent !== null && !parents.has(coded.parent);
      const place = agreeing || named.length ? 'unknown' : ctx.places.agreement(coded, f.polygons, ctx.placed[i]);
      if (parentDisagrees || (!agreeing && named.length) || place === 'disagrees') {
        return { kind: 'unmatched', value, parentValue, reason: 'contradicted-code', candidates: [coded, ...new Set(named)] };
      }
      if (agreeing) return { kind: 'claim', value, unit: coded, by: 'code', confirmedBy: 'name' };
      if (place === 'agrees') return { kind: 'claim', value, unit: coded, by: 'code', confirmedBy: 'place' };
      return { kind: 'ambiguous', value, parentValue, reason: 'unconfirmed-code', candidates: [coded] };
    }
    const match = matchUnit(index, value, parents, type);
    if (match.kind === 'matched') return { kind: 'claim', value, unit: match.unit, by: match.by };
    if (match.kind === 'none') return { kind: 'unmatched', value, parentValue, reason: match.reason, candidates: match.candidates };
    // Another name column (a variant spelling, a name with its type) may tell the candidates apart.
    for (const column of names) {
      const other = namedBy(column);
      const told = match.candidates.filter((c) => (other.kind === 'matched' ? other.unit === c : other.kind === 'ambiguous' && other.candidates.includes(c)));
      if (told.length === 1) return { kind: 'claim', value, unit: told[0], by: match.by };
    }
    return { kind: 'ambiguous', value, parentValue, reason: 'same-name', candidates: match.candidates };
  });
}

/** Distinct units a column names on its own, codes only where confirmed. */
function distinctUnits(list: readonly Outcome[]): number {
  return new Set(list.flatMap((o) => (o.kind === 'claim' ? [o.unit.code] : []))).size;
}

/** The column saying each feature's unit type, if one does. */
export function typeColumn(features: readonly BoundaryFeature[], columns: readonly Column[], ctx: MatchContext): string | null {
  const types = ctx.tree.index(ctx.level).types;
  const column = columns.find(({ name, kind }) => {
    if (kind === 'sequential') return false;
    const values = features.map((f) => f.properties[name]).filter((v) => valueText(v) !== '');
    const typed = values.filter((v) => types.has(typeOfValue(v, ctx.level) as UnitType)).length;
    return values.length > 0 && typed >= values.length * TYPE_SHARE;
  });
  return column?.name ?? null;
}

/**
 * Columns that name each feature's own unit by name: some value names a unit of the level, and
 * the units named are mostly distinct. A province's name in every row of a district file names
 * one unit (TP Hà Tĩnh) again and again: it says nothing of each feature, and confirms no code.
 */
export function nameColumns(features: readonly BoundaryFeature[], columns: readonly Column[], ctx: MatchContext, type: string | null): string[] {
  const index = ctx.tree.index(ctx.level);
  return columns
    .filter((c) => c.kind === 'values' && c.name !== type)
    .filter((c) => {
      const named = features.map((f) => matchName(index, f.properties[c.name])).filter((m) => m.kind === 'matched');
      return named.length > 0 && new Set(named.map((m) => m.unit.code)).size >= named.length * DISTINCT_SHARE;
    })
    .map((c) => c.name);
}

/** Each column with the distinct units it names when it is the unit column. */
export function rankColumns(features: readonly BoundaryFeature[], columns: readonly Column[], ctx: MatchContext, type: string | null, names: readonly string[]): MapPropertyInfo[] {
  return columns.map(({ name, samples, kind }) => ({
    name,
    samples,
    kind: name === type ? 'type' : kind,
    matched: name === type ? 0 : distinctUnits(outcomes(features, ctx, { unit: name, parent: null, type, names })),
  }));
}

/**
 * The unit column to propose: the one naming most distinct units, never a column of row
 * numbers, of one value, or of types; on a tie a column of codes, then the first.
 */
export function bestColumn(ranked: readonly MapPropertyInfo[], features: readonly BoundaryFeature[]): string | null {
  const codes = (name: string) => features.every((f) => /^\d*$/.test(valueText(f.properties[name])));
  const eligible = ranked.filter((p) => p.kind === 'values' && p.matched > 0);
  const best = eligible.reduce<MapPropertyInfo | null>((a, p) => (!a || p.matched > a.matched || (p.matched === a.matched && codes(p.name) && !codes(a.name)) ? p : a), null);
  return best?.name ?? null;
}

/**
 * The column naming the features' parents (the district of a commune), used only when it
 * changes the outcome of some feature without losing a unit: a province column in a
 * province's file narrows nothing, and is not shown as used.
 */
export function parentColumn(features: readonly BoundaryFeature[], columns: readonly Column[], ctx: MatchContext, chosen: Omit<MatchColumns, 'parent'>): string | null {
  const parents = ctx.tree.index(PARENT_LEVEL[ctx.level]);
  let best: { name: string; count: number } | null = null;
  for (const { name, kind } of columns) {
    if (name === chosen.unit || name === chosen.type || kind === 'sequential') continue;
    const count = features.filter((f) => matchUnit(parents, f.properties[name]).kind !== 'none').length;
    if (count >= features.length * PARENT_SHARE && count > (best?.count ?? 0)) best = { name, count };
  }
  if (!best) return null;
  const without = outcomes(features, ctx, { ...chosen, parent: null });
  const withParent = outcomes(features, ctx, { ...chosen, parent: best.name });
  const key = (o: Outcome) => (o.kind === 'claim' ? `${o.unit.code}` : `${o.kind}:${o.candidates.map((c) => c.code).join()}`);
  const changes = without.some((o, i) => key(o) !== key(withParent[i]));
  return changes && distinctUnits(withParent) >= distinctUnits(without) ? best.name : null;
}

export interface Matching {
  report: MatchReport;
  /** The matched units with the features they are made of. */
  units: { unit: UnitInfo; features: number[] }[];
}

export function matchFeatures(features: readonly BoundaryFeature[], ctx: MatchContext, columns: MatchColumns): Matching {
  const { tree, level } = ctx;
  const list = outcomes(features, ctx, columns);
  const report: MatchReport = {
    level, property: columns.unit, parentProperty: columns.parent, typeProperty: columns.type,
    features: features.length, units: tree.at(level).length,
    matched: [], ambiguous: [], unmatched: [], conflicts: [], excluded: [], missing: [], merged: [], outside: null,
  };
  const claims = new Map<string, number[]>();
  list.forEach((o, i) => {
    if (o.kind === 'claim') (claims.get(o.unit.code) ?? claims.set(o.unit.code, []).get(o.unit.code)!).push(i);
    else if (o.kind === 'ambiguous') report.ambiguous.push({ feature: i, value: o.value, parentValue: o.parentValue, reason: o.reason, candidates: o.candidates.map((u) => tree.ref(u)) });
    else report.unmatched.push({ feature: i, value: o.value, parentValue: o.parentValue, reason: o.reason, candidates: o.candidates.map((u) => tree.ref(u)) });
  });
  for (const [code, claimed] of claims) {
    const unit = tree.ref(tree.byCode.get(code)!);
    const entries = claimed.map((i) => {
      const o = list[i] as Extract<Outcome, { kind: 'claim' }>;
      return { feature: i, value: o.value, by: o.by, ...(o.confirmedBy ? { confirmedBy: o.confirmedBy } : {}) };
    });
    if (claimed.length === 1 || areParts(claimed, features, ctx)) report.matched.push(...entries.map((e) => ({ ...e, unit })));
    else report.conflicts.push({ unit, reason: 'duplicate', claims: entries });
  }
  report.conflicts.sort((a, b) => (a.unit.code < b.unit.code ? -1 : 1));
  report.outside = outsideOf(ctx);
  const resolved = resolveReport(report, new Map(), tree.refs(level));
  const byUnit = new Map<string, number[]>();
  for (const m of resolved.matched) (byUnit.get(m.unit.code) ?? byUnit.set(m.unit.code, []).get(m.unit.code)!).push(m.feature);
  return { report: resolved, units: [...byUnit].map(([code, f]) => ({ unit: tree.byCode.get(code)!, features: f })) };
}

/**
 * Whether features claiming one unit are its parts: every one but the largest is small, lies
 * apart from it (an islet does not share a border with its mainland; a mislabelled neighbour
 * does), near it, and holds no other district's point.
 */
function areParts(claimed: readonly number[], features: readonly BoundaryFeature[], ctx: MatchContext): boolean {
  const [main, ...rest] = [...claimed].sort((a, b) => ctx.placed[b].areaKm2 - ctx.placed[a].areaKm2);
  const mainBox = ctx.placed[main].box;
  const reach = Math.hypot(mainBox[2] - mainBox[0], mainBox[3] - mainBox[1]);
  const near = (i: number) => {
    const [x0, y0, x1, y1] = ctx.placed[i].box;
    return Math.max(mainBox[0] - x1, x0 - mainBox[2], mainBox[1] - y1, y0 - mainBox[3]) <= reach;
  };
  return rest.every(
    (i) =>
      ctx.placed[i].areaKm2 <= PART_SHARE * ctx.placed[main].areaKm2 &&
      near(i) &&
      !touches(features[main].polygons, features[i].polygons) &&
      ctx.places.districtsInside(features[i].polygons, ctx.placed[i]).length === 0,
  );
}

function outsideOf(ctx: MatchContext): MatchReport['outside'] {
  const extent = ctx.places.extent;
  if (!extent) return null;
  const outside = ctx.placed.flatMap((p, i) => (ctx.places.outside(p) ? [i] : []));
  if (outside.length === 0) return null;
  const distances = outside.map((i) => distanceKm(extent, ctx.placed[i].point)).sort((a, b) => a - b);
  return { features: outside, matched: [], distanceKm: Math.round(distances[distances.length >> 1]), extent };
}
