/**
 * Matching the unit names of a boundary file to the unit catalog (DESIGN.md §5). Files write
 * the same name in many ways: composed or decomposed Unicode, Ð (U+00D0) for Đ, "Hoà" for
 * "Hòa" (the catalog itself uses both tone placements), "TX Kỳ Anh" for "Thị xã Kỳ Anh",
 * "Phường 01" for "Phường 1", and sometimes no diacritics at all. A name is looked up with its
 * diacritics first and without them only as a fallback; a name that fits two units is reported
 * with both, never guessed.
 */
import type { UnitInfo } from './protocol.js';

/** Tone marks: a Vietnamese syllable carries at most one, wherever a file happens to put it. */
const TONE_MARKS = /[\u0300\u0301\u0303\u0309\u0323]/g;

/** Lower case, composed, one kind of Đ, apostrophe and hyphen, single spaces. */
export function normaliseName(text: string): string {
  return text
    .normalize('NFC')
    .replace(/[\u00D0\u0189]/g, '\u0110')
    .replace(/[\u00F0\u0256]/g, '\u0111')
    .toLowerCase()
    .replace(/[\u2018\u2019\u02BC`\u00B4]/g, "'")
    .replace(/[\u2010-\u2015]/g, '-')
    .replace(/\s+/gu, ' ')
    .replace(/ ?- ?/g, '-')
    .replace(/' /g, "'")
    .trim();
}

/** One syllable with its tone moved to the end, so that "hoà" and "hòa" are the same key. */
function syllableKey(word: string): string {
  const tone = word.normalize('NFD').match(TONE_MARKS)?.[0] ?? '';
  return word.normalize('NFD').replace(TONE_MARKS, '').normalize('NFC') + tone;
}

/**
 * A function remembered by its argument: matching a file asks for the keys of the same
 * thousands of names again for every property and level it tries.
 */
function remembered<T>(compute: (text: string) => T): (text: string) => T {
  const cache = new Map<string, T>();
  return (text) => {
    let value = cache.get(text);
    if (value === undefined) {
      if (cache.size >= 200_000) cache.clear();
      cache.set(text, (value = compute(text)));
    }
    return value;
  };
}

/** The key a name is compared by, with its diacritics: "Phường 01" and "phường 1" agree. */
export const nameKey = remembered((text: string): string =>
  normaliseName(text)
    .replace(/[.,;:()]/g, ' ')
    .split(' ')
    .filter((word) => word !== '')
    .map((word) => (/^\d+$/.test(word) ? String(Number(word)) : syllableKey(word)))
    .join(' '),
);

/** The fallback key: no diacritics, đ as d, no apostrophes, hyphens as spaces. */
export const foldDiacritics = remembered((text: string): string =>
  nameKey(text)
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/đ/g, 'd')
    .replace(/'/g, '')
    .replace(/-/g, ' ')
    .replace(/ +/g, ' ')
    .trim(),
);

/** Unit types as the catalog names them. */
export type UnitType = 'tinh' | 'thanh-pho' | 'thi-xa' | 'huyen' | 'quan' | 'thi-tran' | 'xa' | 'phuong';

const TYPE_WORDS: readonly (readonly [string, UnitType])[] = [
  ['thành phố', 'thanh-pho'],
  ['thị xã', 'thi-xa'],
  ['thị trấn', 'thi-tran'],
  ['huyện', 'huyen'],
  ['quận', 'quan'],
  ['phường', 'phuong'],
  ['xã', 'xa'],
  ['tỉnh', 'tinh'],
];

/** Abbreviations officials write: "TP Hà Tĩnh", "TX. Kỳ Anh", "P.Trần Phú", "X. Thạch Kênh". */
const TYPE_ABBREVIATIONS: readonly (readonly [RegExp, UnitType])[] = [
  [/^tp(?:\. ?| )/, 'thanh-pho'],
  [/^tx(?:\. ?| )/, 'thi-xa'],
  [/^tt(?:\. ?| )/, 'thi-tran'],
  [/^h\. ?/, 'huyen'],
  [/^q\. ?/, 'quan'],
  [/^p\. ?/, 'phuong'],
  [/^x\. ?/, 'xa'],
];

/**
 * The unit type a name starts with, and the rest. A name written without any diacritics has its
 * type words compared without them too ("Huyen Can Loc"); a name with diacritics keeps them, so
 * that "Quan Hóa" is a district's name, not "Quận Hóa". Nothing is split off a bare type word.
 */
export const splitUnitType = remembered(splitType);

function splitType(text: string): { type: UnitType | null; name: string } {
  const name = normaliseName(text);
  for (const [pattern, type] of TYPE_ABBREVIATIONS) {
    const head = pattern.exec(name);
    if (head && name.length > head[0].length) return { type, name: name.slice(head[0].length).trim() };
  }
  const plain = /^[\x00-\x7f]*$/.test(name);
  const compare = plain ? foldDiacritics : nameKey;
  const words = name.split(' ');
  for (const [typeWords, type] of TYPE_WORDS) {
    const count = typeWords.split(' ').length;
    if (words.length > count && compare(words.slice(0, count).join(' ')) === compare(typeWords)) {
      return { type, name: words.slice(count).join(' ') };
    }
  }
  return { type: null, name };
}

/** The units of one level, looked up by code, by name key and by folded name. */
export interface UnitIndex {
  /** The unit types of the level: a name saying another type ("Thị trấn …" among districts) is not of it. */
  types: ReadonlySet<string>;
  byCode: ReadonlyMap<string, UnitInfo>;
  byName: ReadonlyMap<string, readonly UnitInfo[]>;
  byFolded: ReadonlyMap<string, readonly UnitInfo[]>;
}

/** GSO codes are compared as numbers, since files store 00436 as 436 as often as not. */
export function codeKey(value: string): string | null {
  return /^\d+$/.test(value) ? String(Number(value)) : null;
}

export function indexUnits(units: readonly UnitInfo[]): UnitIndex {
  const byCode = new Map<string, UnitInfo>();
  const byName = new Map<string, UnitInfo[]>();
  const byFolded = new Map<string, UnitInfo[]>();
  const add = (map: Map<string, UnitInfo[]>, key: string, unit: UnitInfo) => {
    const list = map.get(key);
    if (list) list.push(unit);
    else map.set(key, [unit]);
  };
  for (const unit of units) {
    byCode.set(codeKey(unit.code) ?? unit.code, unit);
    add(byName, nameKey(unit.name), unit);
    add(byFolded, foldDiacritics(unit.name), unit);
  }
  return { types: new Set(units.map((u) => u.type)), byCode, byName, byFolded };
}

export type MatchMethod = 'code' | 'name' | 'folded';

export type NameMatch =
  | { kind: 'matched'; unit: UnitInfo; by: MatchMethod }
  | { kind: 'ambiguous'; candidates: UnitInfo[]; by: Exclude<MatchMethod, 'code'> }
  | {
      kind: 'none';
      /**
       * `other-parent`: units of this name exist, under other parents (the candidates);
       * `unknown-code`: the value is a number that is no unit's code.
       */
      reason: 'no-value' | 'unknown-name' | 'unknown-code' | 'other-parent';
      candidates: UnitInfo[];
    };

/** A property value as text: numbers as written, empty for nothing. */
export function valueText(value: unknown): string {
  return typeof value === 'string' ? value.trim() : typeof value === 'number' && Number.isFinite(value) ? String(value) : '';
}

/** The unit whose GSO code the value is, if any. */
export function matchCode(index: UnitIndex, value: unknown): UnitInfo | null {
  const code = codeKey(valueText(value));
  return (code !== null && index.byCode.get(code)) || null;
}

/**
 * The unit a property value names: a GSO code first, else a name (see `matchName`). A number
 * that is no unit's code is reported as such, not as an unknown name.
 */
export function matchUnit(index: UnitIndex, value: unknown, parents: ReadonlySet<string> | null = null, type: UnitType | null = null): NameMatch {
  const text = valueText(value);
  if (!text) return { kind: 'none', reason: 'no-value', candidates: [] };
  const byCode = matchCode(index, text);
  if (byCode) return { kind: 'matched', unit: byCode, by: 'code' };
  const byName = matchName(index, text, parents, type);
  return byName.kind === 'none' && byName.reason === 'unknown-name' && codeKey(text) !== null
    ? { kind: 'none', reason: 'unknown-code', candidates: [] }
    : byName;
}

/**
 * The unit a name stands for among the units under one of `parents` (when the file says the
 * parent), with its diacritics, else without them. A type the value states ("TX Kỳ Anh"), or
 * else `type` (a file's type column), decides between units of the same name; a unit whose
 * type differs is still found when it is the only one, as files keep types a unit no longer
 * has, but never across levels: "Thị trấn Đức Thọ" is not the district of Đức Thọ.
 */
export function matchName(index: UnitIndex, value: unknown, parents: ReadonlySet<string> | null = null, type: UnitType | null = null): NameMatch {
  const text = valueText(value);
  if (!text) return { kind: 'none', reason: 'no-value', candidates: [] };
  const split = splitUnitType(text);
  const readings = [{ type: type && index.types.has(type) ? type : null, name: text }];
  if (split.type && index.types.has(split.type)) readings.push(split);
  const elsewhere: UnitInfo[] = [];
  for (const [by, map, key] of [['name', index.byName, nameKey], ['folded', index.byFolded, foldDiacritics]] as const) {
    const found = new Map<string, { unit: UnitInfo; typeAgrees: boolean }>();
    for (const reading of readings) {
      for (const unit of map.get(key(reading.name)) ?? []) {
        if (parents && (unit.parent === null || !parents.has(unit.parent))) {
          elsewhere.push(unit);
          continue;
        }
        const typeAgrees = reading.type !== null && unit.type === reading.type;
        if (!found.get(unit.code)?.typeAgrees) found.set(unit.code, { unit, typeAgrees });
      }
    }
    if (found.size === 0) continue;
    const all = [...found.values()];
    const agreeing = all.filter((f) => f.typeAgrees);
    const candidates = (agreeing.length ? agreeing : all).map((f) => f.unit);
    return candidates.length === 1
      ? { kind: 'matched', unit: candidates[0], by }
      : { kind: 'ambiguous', candidates: sortByCode(candidates), by };
  }
  const others = sortByCode([...new Map(elsewhere.map((u) => [u.code, u])).values()]);
  return others.length
    ? { kind: 'none', reason: 'other-parent', candidates: others }
    : { kind: 'none', reason: 'unknown-name', candidates: [] };
}

/**
 * Type words as a type column holds them: the catalog's Vietnamese ("Huyện", "Thị xã") or
 * GADM's English ("District", "Town"). English "Town" is a thị xã among districts and a thị
 * trấn among communes.
 */
const ENGLISH_TYPES: Record<'district' | 'commune', Record<string, UnitType>> = {
  district: { district: 'huyen', 'rural district': 'huyen', city: 'thanh-pho', 'provincial city': 'thanh-pho', town: 'thi-xa', 'urban district': 'quan' },
  commune: { commune: 'xa', ward: 'phuong', township: 'thi-tran', town: 'thi-tran', 'commune-level town': 'thi-tran' },
};

/** Type words shortened as officials write them alone in a type column: "TX", "TT.". */
const SHORT_TYPES: Record<string, UnitType> = { tp: 'thanh-pho', tx: 'thi-xa', tt: 'thi-tran', h: 'huyen', q: 'quan', p: 'phuong', x: 'xa' };

/** The unit type a type column's value says, for units of `level`; null when it says none. */
export function typeOfValue(value: unknown, level: 'district' | 'commune'): UnitType | null {
  const text = valueText(value);
  if (!text) return null;
  const folded = foldDiacritics(text).replace(/\.$/, '');
  const known = ENGLISH_TYPES[level][folded] ?? SHORT_TYPES[folded];
  if (known) return known;
  const plain = /^[\x00-\x7f]*$/.test(normaliseName(text));
  for (const [words, type] of TYPE_WORDS) {
    if (plain ? folded === foldDiacritics(words) : nameKey(text) === nameKey(words)) return type;
  }
  return null;
}

/** The parents a parent value may name: one when it is matched, all candidates when ambiguous. */
export function parentCodes(match: NameMatch): Set<string> | null {
  if (match.kind === 'matched') return new Set([match.unit.code]);
  if (match.kind === 'ambiguous') return new Set(match.candidates.map((u) => u.code));
  return null;
}

function sortByCode(units: UnitInfo[]): UnitInfo[] {
  return units.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
}
