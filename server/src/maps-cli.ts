/**
 * `maps import <file> [--level district|commune] [--property NAME] [--parent-property NAME]
 * [--layer NAME] [--yes]`: the admin page's import from a shell. Prints the match report and
 * stores the map when told to (--yes, or "y" at the prompt). Running servers switch their
 * screens to it within seconds. With the embedded database, run it while the server is stopped.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { HttpException } from '@nestjs/common';
import { MAX_MAP_FILE_BYTES, type MapImportPreview, type MapUnitRef } from '@tiendo/shared';
import { ConfigError } from './config/env.js';
import type { Database } from './database/database.js';
import { MapsRepository } from './repositories/maps.repository.js';
import { MapsService } from './services/maps.service.js';

const USAGE = 'Usage: maps import <file> [--level district|commune] [--property NAME] [--parent-property NAME] [--layer NAME] [--yes]';

export async function mapsCommand(args: string[], open: () => Promise<Database>): Promise<void> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      level: { type: 'string' },
      property: { type: 'string' },
      'parent-property': { type: 'string' },
      layer: { type: 'string' },
      yes: { type: 'boolean', default: false },
    },
  });
  const [action, file] = positionals;
  if (action !== 'import' || !file || positionals.length > 2) throw new ConfigError(USAGE);
  if (!existsSync(file)) throw new ConfigError(`${file}: no such file`);
  if (statSync(file).size > MAX_MAP_FILE_BYTES) throw new ConfigError(`${file}: larger than the limit of ${MAX_MAP_FILE_BYTES / 1024 / 1024} MB`);
  const db = await open();
  try {
    const maps = new MapsService(new MapsRepository(db));
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
    const version = await maps.confirm(String(preview.importId), principal);
    console.log(`Stored: version ${version.version} is the ${version.level} map now; running servers switch their screens within seconds.`);
  } catch (error) {
    if (error instanceof HttpException) throw new ConfigError(`${file}: ${error.message}`);
    throw error;
  } finally {
    await db.close();
  }
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
const REASONS = {
  'no-value': 'the property is empty',
  'unknown-name': 'no unit of that name',
  'other-parent': 'units of that name are under other parents',
};

/** The match report as an admin reads it in a terminal. */
export function describe(p: MapImportPreview): string {
  const r = p.report;
  const lines = [
    `${p.fileName}: layer "${p.layer}" of ${p.layers.length}, ${r.features} features`,
    `  level ${r.level}${r.level === p.proposedLevel ? '' : ` (proposed: ${p.proposedLevel})`}, ` +
      `property ${r.property ?? '—'}${r.property === p.proposedProperty ? '' : ` (proposed: ${p.proposedProperty ?? '—'})`}, ` +
      `parent property ${r.parentProperty ?? '—'}`,
    `  properties: ${p.properties.map((x) => `${x.name} (${x.matched} matched; e.g. ${x.samples.join(', ')})`).join('; ')}`,
    `  matched ${new Set(r.matched.map((m) => m.unit.code)).size} of ${r.units} units` +
      ` (${r.matched.filter((m) => m.by === 'code').length} by code, ${r.matched.filter((m) => m.by === 'name').length} by name,` +
      ` ${r.matched.filter((m) => m.by === 'folded').length} by name without diacritics)`,
  ];
  if (r.ambiguous.length) {
    lines.push(`  ambiguous (${r.ambiguous.length}), not used:`);
    for (const a of r.ambiguous) lines.push(`    #${a.feature} "${a.value}"${a.parentValue ? ` in "${a.parentValue}"` : ''}: ${a.candidates.map(unit).join(' or ')}`);
  }
  if (r.unmatched.length) {
    lines.push(`  features with no unit (${r.unmatched.length}):`);
    for (const u of r.unmatched) {
      const elsewhere = u.candidates.length ? `: ${u.candidates.map(unit).join(', ')}` : '';
      lines.push(`    #${u.feature} "${u.value}"${u.parentValue ? ` in "${u.parentValue}"` : ''}: ${REASONS[u.reason]}${elsewhere}`);
    }
  }
  if (r.missing.length) {
    lines.push(`  units with no feature (${r.missing.length}), drawn as schematic tiles:`);
    for (const m of r.missing) lines.push(`    ${unit(m)}${m.reason === 'ambiguous' ? ': an ambiguous feature may be it' : ''}`);
  }
  if (r.merged.length) lines.push(`  units made of several features, merged: ${r.merged.map((m) => `${m.unit} (${m.features.length})`).join(', ')}`);
  lines.push(
    `  ${(p.size.fileBytes / 1024).toFixed(0)} kB, ${p.size.points} points → ${p.size.storedPoints} points, ` +
      `${(p.size.storedBytes / 1024).toFixed(0)} kB stored; ${p.elapsedMs} ms`,
  );
  return lines.join('\n');
}
