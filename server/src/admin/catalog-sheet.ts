/**
 * Reading a unit catalog file: one row per unit with its code, name, type and parent's code
 * (and, optionally, its population, the weight targets are spread by). The file must describe
 * one tree: one root, every parent known (in the file or already loaded), no code twice, no
 * cycle. Levels follow depth: a tree of two levels is a province and its communes (Vietnam
 * since 1 July 2025), of three a province, its districts and their communes.
 */
import { foldDiacritics, type CatalogImportPreview, type UnitInfo, type UnitLevel } from '@tiendo/shared';
import { cellCount, cellText, type Sheet } from './sheet.js';

const HEADERS: Record<'code' | 'name' | 'type' | 'parent' | 'population', RegExp> = {
  code: /^(ma|code|ma don vi|ma dvhc)$/,
  name: /^(ten|name|ten don vi)$/,
  type: /^(loai|cap|type|loai don vi)$/,
  parent: /^(ma cha|ma cap tren|parent|parent code|parent_code|ma don vi cap tren)$/,
  population: /^(dan so|population)$/,
};

/** Types as written in files, to the catalog's own: its slug and the word a full name starts with. */
const TYPES: Record<string, { slug: string; word: string }> = {
  'tinh': { slug: 'tinh', word: 'Tỉnh' },
  'thanh pho trung uong': { slug: 'thanh-pho', word: 'Thành phố' },
  'thanh pho': { slug: 'thanh-pho', word: 'Thành phố' },
  'thi xa': { slug: 'thi-xa', word: 'Thị xã' },
  'huyen': { slug: 'huyen', word: 'Huyện' },
  'quan': { slug: 'quan', word: 'Quận' },
  'xa': { slug: 'xa', word: 'Xã' },
  'phuong': { slug: 'phuong', word: 'Phường' },
  'thi tran': { slug: 'thi-tran', word: 'Thị trấn' },
  'dac khu': { slug: 'dac-khu', word: 'Đặc khu' },
};

const COUNTRY = 'VN';

export interface CatalogRead {
  units: (UnitInfo & { population: number | null })[];
  preview: Omit<CatalogImportPreview, 'importId'>;
}

export function readCatalogSheet(sheet: Sheet, loaded: (code: string) => UnitInfo | undefined): CatalogRead {
  const problems: CatalogImportPreview['problems'] = [];
  const headerRow = sheet.rows.findIndex((row) => row.some((c) => HEADERS.code.test(foldDiacritics(cellText(c)))));
  const fail = (message: string): CatalogRead => ({ units: [], preview: { levels: [], root: null, problems: [{ row: 0, message }], ok: false } });
  if (headerRow < 0) return fail('no header row with a "Mã" (code) column');
  const headers = sheet.rows[headerRow].map((c) => foldDiacritics(cellText(c)));
  const col = Object.fromEntries(Object.entries(HEADERS).map(([k, re]) => [k, headers.findIndex((h) => re.test(h))])) as Record<keyof typeof HEADERS, number>;
  for (const k of ['name', 'type', 'parent'] as const) {
    if (col[k] < 0) return fail(`no "${{ name: 'Tên', type: 'Loại', parent: 'Mã cấp trên' }[k]}" column beside "Mã"`);
  }

  const rows = new Map<string, { row: number; code: string; name: string; type: { slug: string; word: string }; parent: string | null; population: number | null }>();
  for (let r = headerRow + 1; r < sheet.rows.length; r++) {
    const cells = sheet.rows[r] ?? [];
    const code = cellText(cells[col.code] ?? null);
    const name = cellText(cells[col.name] ?? null);
    if (!code && !name) continue;
    const where = `row ${r + 1}`;
    if (!/^[A-Za-z0-9_-]{1,20}$/.test(code)) {
      problems.push({ row: r + 1, message: `${where}: "${code}" is not a unit code (letters, digits, "-" or "_")` });
      continue;
    }
    if (!name) {
      problems.push({ row: r + 1, message: `${where}: unit ${code} has no name` });
      continue;
    }
    const typeText = cellText(cells[col.type] ?? null);
    const type = TYPES[foldDiacritics(typeText)];
    if (!type) {
      problems.push({ row: r + 1, message: `${where}: "${typeText}" is not a unit type (Tỉnh, Thành phố, Huyện, Quận, Thị xã, Xã, Phường, Thị trấn, Đặc khu)` });
      continue;
    }
    const parent = cellText(cells[col.parent] ?? null) || null;
    let population: number | null = null;
    if (col.population >= 0 && cells[col.population] != null) {
      const p = cellCount(cells[col.population] ?? null);
      if (typeof p === 'string') problems.push({ row: r + 1, message: `${where}, column "Dân số": ${p}` });
      else population = p;
    }
    const earlier = rows.get(code);
    if (earlier) {
      problems.push({ row: r + 1, message: `${where}: code ${code} is already on row ${earlier.row}` });
      continue;
    }
    rows.set(code, { row: r + 1, code, name, type, parent, population });
  }

  // The country is always there to hang a province on, loaded or not.
  const known = (code: string) => code === COUNTRY || loaded(code) !== undefined;
  const roots = [...rows.values()].filter((u) => !u.parent || (!rows.has(u.parent) && known(u.parent)));
  for (const u of rows.values()) {
    if (u.parent && !rows.has(u.parent) && !known(u.parent)) {
      problems.push({ row: u.row, message: `row ${u.row}: parent ${u.parent} of ${u.code} is neither in the file nor loaded` });
    }
  }
  if (roots.length !== 1 && !problems.length) {
    problems.push({ row: 0, message: roots.length ? `the file holds ${roots.length} trees (roots ${roots.slice(0, 5).map((r) => r.code).join(', ')}); import one at a time` : 'the file has no root: every unit has a parent in the file (a cycle)' });
  }
  // Depth by walking up; a walk that comes back to a unit it passed is a cycle.
  const depth = new Map<string, number>();
  for (const u of rows.values()) {
    const path: string[] = [];
    let at: string | null = u.code;
    while (at && rows.has(at) && !depth.has(at)) {
      if (path.includes(at)) {
        problems.push({ row: u.row, message: `row ${u.row}: ${u.code} is its own ancestor (${[...path, at].join(' → ')})` });
        break;
      }
      path.push(at);
      at = rows.get(at)!.parent;
    }
    let d = at && depth.has(at) ? depth.get(at)! + 1 : 0;
    for (const code of path.reverse()) depth.set(code, d++);
  }
  const maxDepth = Math.max(0, ...depth.values());
  if (!problems.length && (maxDepth < 1 || maxDepth > 2)) {
    problems.push({ row: 0, message: `the tree has ${maxDepth + 1} levels; expected a province with communes (2) or with districts and communes (3)` });
  }
  const root = roots[0];
  const rootLevel: UnitLevel = root?.code === COUNTRY ? 'country' : 'province';
  const levels: UnitLevel[] = maxDepth === 1 ? [rootLevel, 'commune'] : [rootLevel, 'district', 'commune'];
  const units = [...rows.values()]
    .sort((a, b) => (depth.get(a.code) ?? 0) - (depth.get(b.code) ?? 0) || a.code.localeCompare(b.code))
    .map((u) => {
      // "Xã Thạch Kênh" in the name column is the commune Thạch Kênh.
      const typed = foldDiacritics(u.name).startsWith(`${foldDiacritics(u.type.word)} `);
      const name = typed ? u.name.slice(u.type.word.length).trim() : u.name;
      return {
      code: u.code, name, type: u.type.slug, parent: u.parent, population: u.population, fullName: `${u.type.word} ${name}`,
      level: levels[Math.min(depth.get(u.code) ?? 0, levels.length - 1)],
      };
    });
  const counts = levels.map((level) => ({ level, count: units.filter((u) => u.level === level).length }));
  if (root?.parent === COUNTRY && !loaded(COUNTRY)) {
    units.unshift({ code: COUNTRY, name: 'Việt Nam', fullName: 'Việt Nam', type: 'quoc-gia', level: 'country', parent: null, population: null });
  }
  return {
    units: problems.length ? [] : units,
    preview: { levels: counts, root: root ? { code: root.code, name: root.name } : null, problems, ok: problems.length === 0 },
  };
}
