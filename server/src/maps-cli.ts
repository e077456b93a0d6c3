/**
 * `maps import <file> [--level district|commune] [--property NAME] [--parent-property NAME]
 * [--layer NAME] [--assign FEATURE=CODE]... [--exclude FEATURE]... [--yes]`: the admin page's
 * import from a shell. Says which database it works on, prints the match report, and stores
 * the map when told to (--yes, or "y" at the prompt), with the decisions given for features the
 * file left unclear. Running servers switch their screens to it within seconds. With the
 * embedded database, run it while the server is stopped.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { HttpException } from '@nestjs/common';
import { EXCLUDED, MAX_MAP_FILE_BYTES, type MapImportPreview, type MapUnitRef, type UnmatchedFeature } from '@tiendo/shared';
import { ConfigError } from './config/env.js';
import type { Database } from './database/database.js';
import { MapsRepository } from './repositories/maps.repository.js';
import { MapsService } from './services/maps.service.js';

const USAGE =
  'Usage: maps import <file> [--level district|commune] [--property NAME] [--parent-property NAME] [--layer NAME] ' +
  '[--assign FEATURE=CODE]... [--exclude FEATURE]... [--yes]';

/** The database the command opened, and how to name it to the person running it. */
export interface OpenedDatabase {
  db: Database;
  where: string;
}

export async function mapsCommand(args: string[], open: () => Promise<OpenedDatabase>): Promise<void> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      level: { type: 'string' },
      property: { type: 'string' },
      'parent-property': { type: 'string' },
      layer: { type: 'string' },
      assign: { type: 'string', multiple: true, default: [] },
      exclude: { type: 'string', multiple: true, default: [] },
      yes: { type: 'boolean', default: false },
    },
  });
  const [action, file] = positionals;
  if (action !== 'import' || !file || positionals.length > 2) throw new ConfigError(USAGE);
  if (!existsSync(file)) throw new ConfigError(`${file}: no such file`);
  if (statSync(file).size > MAX_MAP_FILE_BYTES) throw new ConfigError(`${file}: larger than the limit of ${MAX_MAP_FILE_BYTES / 1024 / 1024} MB`);
  const overrides = decisions(values.assign, values.exclude);
  const { db, where } = await open();
  try {
    console.log(`Database: ${where}`);
    const repository = new MapsRepository(db);
    if (!(await repository.units()).some((u) => u.level === 'district' || u.level === 'commune')) {
      throw new ConfigError(
        `${where} holds no units: no server has run on it. The demo (npm start) keeps its database in data/live: ` +
          'run DATA_DIR=data/live node server/dist/main.js maps import …; a server run with `serve` uses DATA_DIR (default data/) or DATABASE_URL.',
      );
    }
    const maps = new MapsService(repository);
    const options = {
      level: values.level, property: values.property, parentProperty: values['parent-property'], layer: values.layer,
    };
    const principal = { keyId: null, name: 'maps import (command line)', role: 'admin' as const, scope: 'VN' };
    const preview = await maps.importFile({ bytes: readFileSync(file), fileName: basename(file) }, stripUndefined(options), principal);
    console.log(describe(preview));
    if (preview.importId === null) throw new ConfigError('No feature names a unit: nothing was stored. Try --property or --level.');
    if (!values.yes && !(await ask('Store this map and show it on every screen? [y/N] '))) {
      console.log('Not stored. Run again with --yes to store it.');
      return;
    }
    const version = await maps.confirm(String(preview.importId), { overrides }, principal);
    console.log(`Stored: version ${version.version} is the ${version.level} map now; running servers switch their screens within seconds.`);
  } catch (error) {
    if (error instanceof HttpException) throw new ConfigError(`${file}: ${error.message}`);
    throw error;
  } finally {
    await db.close();
  }
}

/** `--assign 3=449 --exclude 7` as the confirmation's overrides. */
function decisions(assign: string[], exclude: string[]): Record<string, string> {
  const overrides: Record<string, string> = {};
  for (const pair of assign) {
    const match = /^(\d+)=(\d+)$/.exec(pair);
    if (!match) throw new ConfigError(`--assign ${pair}: expected FEATURE=CODE, such as 3=449`);
    overrides[match[1]] = match[2];
  }
  for (const feature of exclude) {
    if (!/^\d+$/.test(feature)) throw new ConfigError(`--exclude ${feature}: expected a feature number`);
    overrides[feature] = EXCLUDED;
  }
  return overrides;
}

function stripUndefined<T extends object>(object: T): Partial<T> {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined)) as Partial<T>;
}

async function ask(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const prompt = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await prompt.question(question)).trim());
  } finally {
    prompt.close();
  }
}

const unit = (u: MapUnitRef) => `${u.code} ${u.name}${u.parent ? ` (${u.parent})` : ''}`;
const REASONS: Record<UnmatchedFeature['reason'], string> = {
  'no-column': 'no column was chosen to name units',
  'no-value': 'its cell is empty',
  'unknown-name': 'no unit has that name',
  'unknown-code': 'no unit has that code',
  'other-parent': 'units of that name are under other parents',
  'contradicted-code': "the code's unit is not what the feature's name, parent or place say",
};
const KINDS = { values: '', sequential: ', consecutive numbers: not codes', same: ', one value in every row', type: ', unit types' };

/** The match report as an admin reads it in a terminal. */
export function describe(p: MapImportPreview): string {
  const r = p.report;
  const e = p.levelEvidence;
  const lines = [
    `${p.fileName}: layer "${p.layer}" of ${p.layers.length}, ${r.features} features`,
    `  level ${r.level}${r.level === p.proposedLevel ? '' : ` (proposed: ${p.proposedLevel ?? 'none'})`}, ` +
      `property ${r.property ?? '—'}${r.property === p.proposedProperty ? '' : ` (proposed: ${p.proposedProperty ?? '—'})`}, ` +
      `parent property ${r.parentProperty ?? '—'}${r.typeProperty ? `, type property ${r.typeProperty}` : ''}`,
    `  the features are ${e.byCount ?? 'districts or communes'} by their number, ${e.byArea ?? 'districts or communes'} by their size (median ${e.medianAreaKm2} km²)`,
    `  properties: ${p.properties.map((x) => `${x.name} (${x.matched} units${KINDS[x.kind]}; e.g. ${x.samples.join(', ')})`).join('; ')}`,
    `  matched ${new Set(r.matched.map((m) => m.unit.code)).size} of ${r.units} units` +
      ` (${r.matched.filter((m) => m.by === 'code').length} by code, ${r.matched.filter((m) => m.by === 'name').length} by name,` +
      ` ${r.matched.filter((m) => m.by === 'folded').length} by name without diacritics)`,
  ];
  if (r.outside) {
    lines.push(
      `  WARNING: ${r.outside.features.length} features lie outside the province's known extent, about ${r.outside.distanceKm} km away` +
        `${r.outside.matched.length ? `; ${r.outside.matched.length} of them matched a unit: is the file shifted or in another coordinate system?` : '; none of them matched a unit'}`,
    );
  }
  if (r.ambiguous.length) {
    lines.push(`  ambiguous (${r.ambiguous.length}), not used unless assigned (--assign FEATURE=CODE):`);
    for (const a of r.ambiguous) {
      const why = a.reason === 'unconfirmed-code' ? 'a code nothing else in the file confirms: ' : '';
      lines.push(`    #${a.feature} "${a.value}"${a.parentValue ? ` in "${a.parentValue}"` : ''}: ${why}${a.candidates.map(unit).join(' or ')}`);
    }
  }
  if (r.conflicts.length) {
    lines.push(`  conflicts (${r.conflicts.length}): several features claim one unit, none used unless assigned:`);
    for (const c of r.conflicts) lines.push(`    ${unit(c.unit)}: ${c.claims.map((x) => `#${x.feature} "${x.value}"`).join(', ')}`);
  }
  if (r.unmatched.length) {
    lines.push(`  features with no unit (${r.unmatched.length}):`);
    for (const u of r.unmatched) {
      const elsewhere = u.candidates.length ? `: ${u.candidates.map(unit).join(', ')}` : '';
      lines.push(`    #${u.feature} "${u.value}"${u.parentValue ? ` in "${u.parentValue}"` : ''}: ${REASONS[u.reason]}${elsewhere}`);
    }
  }
  if (r.missing.length) {
    lines.push(`  units with no feature (${r.missing.length}), drawn as tiles apart from the map:`);
    for (const m of r.missing) lines.push(`    ${unit(m)}${m.reason === 'ambiguous' ? ': an ambiguous feature may be it' : m.reason === 'conflict' ? ': features in conflict claim it' : ''}`);
  }
  if (r.merged.length) lines.push(`  units made of several features, merged: ${r.merged.map((m) => `${m.unit} (${m.features.length})`).join(', ')}`);
  lines.push(
    `  ${(p.size.fileBytes / 1024).toFixed(0)} kB, ${p.size.points} points → ${p.size.storedPoints} points, ` +
      `${(p.size.storedBytes / 1024).toFixed(0)} kB stored; ${p.elapsedMs} ms`,
  );
  return lines.join('\n');
}
