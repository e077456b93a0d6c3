/**
 * Boundary maps (DESIGN.md §5). An admin's file is read, its level told from its features,
 * matched to units and simplified into a draft that keeps every feature, with its match
 * report; nothing shows until the draft is confirmed, with the admin's decisions for what the
 * file left unclear. A confirmed draft becomes its level's active version, and any earlier
 * version can be made active again; every server instance notices (it polls the active
 * versions), and tells its screens with `mapChanged`. Screens fetch their map as TopoJSON,
 * composed per unit and level and cached under an ETag.
 */
import { createHash } from 'node:crypto';
import {
  BadRequestException, ConflictException, ForbiddenException, Injectable, Logger, NotFoundException, Optional, UnprocessableEntityException,
  type OnApplicationBootstrap, type OnApplicationShutdown,
} from '@nestjs/common';
import {
  EXCLUDED, MAP_LEVELS, MAP_SOURCE_HEADER, MAP_VERSION_HEADER, resolveReport,
  type MapChangedMessage, type MapImportPreview, type MapLevel, type MapLevelEvidence, type MapVersionInfo, type MatchReport, type UnitInfo,
} from '@tiendo/shared';
import { describeIssues } from '@tiendo/shared/schemas';
import { z } from 'zod';
import { isDatabaseUnavailable } from '../common/errors.filter.js';
import { BoundaryMap } from '../entities/index.js';
import { DatabaseOutage } from '../observability/database-outage.js';
import { MapsRepository } from '../repositories/maps.repository.js';
import type { Principal } from './auth.service.js';
import type { Upload } from '../common/upload.js';
import { catalog } from '../catalog/catalog.js';
import { readBoundaryFile, type BoundaryLayer } from './boundary-file.js';
import { composeMap, FEATURES_OBJECT, featureTopology, MapVersion, unitTopology, type Topology } from './boundary-topology.js';
import {
  bestColumn, columnsOf, matchFeatures, nameColumns, parentColumn, rankColumns, typeColumn, UnitTree, type Matching,
} from './map-matching.js';
import { inferLevel, KnownPlaces, place } from './map-places.js';
import { etagMatches } from '../common/etag.js';

/** Other instances learn of a confirmation within this time. */
const POLL_MS = 2000;
const CACHED_ANSWERS = 200;
const CACHED_VERSIONS = 4;

const optionsSchema = z.strictObject({
  level: z.enum(MAP_LEVELS, 'must be district or commune').optional(),
  property: z.string().trim().min(1, 'must not be empty').max(200).optional(),
  /** Empty: match names without a parent property. */
  parentProperty: z.string().trim().max(200).optional(),
  layer: z.string().trim().min(1, 'must not be empty').max(200).optional(),
  name: z.string().trim().max(300).optional(),
});
export type ImportOptions = z.infer<typeof optionsSchema>;

export const confirmSchema = z.strictObject({
  overrides: z.record(z.string(), z.string().trim().min(1, 'must be a unit code or "excluded"').max(20)).optional(),
});

export interface MapAnswer {
  status: 200 | 304;
  headers: Record<string, string>;
  body: string | null;
}

@Injectable()
export class MapsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MapsService.name);
  private tree: Promise<UnitTree> | null = null;
  private readonly answers = new Map<string, { etag: string; body: string; source: string; versions: string }>();
  private readonly parsed = new Map<number, Promise<MapVersion>>();
  private readonly listeners: ((message: MapChangedMessage) => void)[] = [];
  private active: Map<MapLevel, number> | null = null;
  private poll: NodeJS.Timeout | null = null;

  constructor(
    private readonly repository: MapsRepository,
    /** An unreachable database is one outage, logged at its start and end, not at every poll. */
    @Optional() private readonly outage?: DatabaseOutage,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.check();
    this.poll = setInterval(() => void this.check().catch((e) => {
      if (this.outage && isDatabaseUnavailable(e)) this.outage.unreachable(e, false);
      else this.logger.warn(`Could not read the active maps: ${(e as Error).message}`);
    }), POLL_MS);
  }

  onApplicationShutdown(): void {
    if (this.poll) clearInterval(this.poll);
  }

  /** Called with each level whose active map changed, on this instance or another. */
  onChanged(listener: (message: MapChangedMessage) => void): void {
    this.listeners.push(listener);
  }

  /** The deployment's units, read once: the catalog changes only when a server starts. */
  units(): Promise<UnitTree> {
    this.tree ??= this.repository.units().then(
      (units) => {
        if (!units.some((u) => u.level === 'district' || u.level === 'commune')) {
          throw new UnprocessableEntityException('unit: this database holds no units; start the server on it once (ROOT_UNIT) so that it loads the catalog');
        }
        return new UnitTree(units);
      },
      (error) => {
        this.tree = null;
        throw error;
      },
    );
    return this.tree;
  }

  /** Reads, checks and matches a file, and keeps it as a draft; nothing is shown yet. */
  async importFile(upload: Upload, query: unknown, principal: Principal): Promise<MapImportPreview> {
    const started = performance.now();
    const options = parseOptions(query);
    const tree = await this.units();
    this.requireWholeDeployment(tree, principal);
    const layers = await readBoundaryFile(upload.bytes, options.name ?? upload.fileName);
    const proposal = propose(layers, tree, await this.knownPlaces(tree), options);
    const { layer, level, matching } = proposal;
    const fileName = options.name ?? upload.fileName;
    const { report } = matching;
    const worthKeeping = report.matched.length + report.ambiguous.length + report.conflicts.length > 0;
    const stored = worthKeeping ? featureTopology(layer.features.map((f) => f.polygons)) : null;
    const text = stored ? JSON.stringify(stored.topology) : '';
    const importId = stored
      ? await this.repository.saveDraft(new BoundaryMap(level, fileName, report.property, report.parentProperty, text, report, principal.name))
      : null;
    return {
      importId, fileName, layer: layer.name,
      layers: layers.map((l) => ({ name: l.name, features: l.features.length })),
      proposedLevel: proposal.evidence.level, levelEvidence: withoutLevel(proposal.evidence),
      proposedProperty: proposal.proposedProperty, proposedParentProperty: proposal.proposedParent,
      properties: proposal.properties, report, choices: tree.refs(level),
      size: { fileBytes: upload.bytes.length, storedBytes: Buffer.byteLength(text), points: stored?.points ?? 0, storedPoints: stored?.storedPoints ?? 0 },
      elapsedMs: Math.round(performance.now() - started),
    };
  }

  /**
   * Makes a draft the active map of its level, with the admin's decisions (`overrides`: feature
   * number → unit code or "excluded"), and tells every screen.
   */
  async confirm(importId: string, body: unknown, principal: Principal): Promise<MapVersionInfo> {
    const id = parseId(importId);
    const tree = await this.units();
    this.requireWholeDeployment(tree, principal);
    const overrides = parseConfirm(body);
    const draft = await this.repository.draft(id);
    if (!draft) throw new NotFoundException(`importId: no import ${id} (drafts are kept for a day)`);
    if (draft.status !== 'draft') throw new ConflictException(`importId: import ${id} was confirmed before`);
    const topology = JSON.parse(draft.topology) as Topology;
    if (!topology.objects?.[FEATURES_OBJECT]) throw new ConflictException(`importId: import ${id} was made by an earlier version of the server; import the file again`);
    const decisions = checkOverrides(overrides, draft.report, tree);
    const report = resolveReport(draft.report, decisions, tree.refs(draft.report.level));
    if (report.matched.length === 0) throw new UnprocessableEntityException('overrides: no feature would be left on the map; give at least one feature a unit');
    const byUnit = new Map<string, number[]>();
    for (const m of report.matched) (byUnit.get(m.unit.code) ?? byUnit.set(m.unit.code, []).get(m.unit.code)!).push(m.feature);
    const units = [...byUnit].map(([code, features]) => ({ unit: tree.byCode.get(code)!, features }));
    const stored = JSON.stringify(unitTopology(topology, report.level, units));
    const outcome = await this.repository.activate(id, { topology: stored, report });
    if (outcome === 'missing') throw new NotFoundException(`importId: no import ${id} (drafts are kept for a day)`);
    if (outcome === 'confirmed-before') throw new ConflictException(`importId: import ${id} was confirmed before`);
    await this.check();
    return (await this.repository.version(id))!;
  }

  /** Makes an earlier version its level's active map again. */
  async activate(versionText: string, principal: Principal): Promise<MapVersionInfo> {
    const id = parseId(versionText, 'version');
    this.requireWholeDeployment(await this.units(), principal);
    const outcome = await this.repository.reactivate(id);
    if (outcome === 'missing') throw new NotFoundException(`version: no version ${id}`);
    if (outcome === 'draft') throw new ConflictException(`version: ${id} is an import not yet confirmed; confirm it instead`);
    await this.check();
    return (await this.repository.version(id))!;
  }

  async versions(principal: Principal): Promise<MapVersionInfo[]> {
    this.requireWholeDeployment(await this.units(), principal);
    return this.repository.versions();
  }

  /** A draft's own topology (every feature, by number) or a version's (every unit, by code), for a preview. */
  async storedTopology(importId: string, principal: Principal): Promise<string> {
    this.requireWholeDeployment(await this.units(), principal);
    const topology = await this.repository.topology(parseId(importId));
    if (topology === null) throw new NotFoundException(`importId: no import ${importId}`);
    return topology;
  }

  /** The unit a map is asked for, checked, and the level drawn (by default the one below it). */
  async scope(code: string, level: string | undefined): Promise<{ unit: UnitInfo; level: MapLevel; tree: UnitTree }> {
    const tree = await this.units();
    const unit = tree.byCode.get(code);
    if (!unit || !tree.units.some((u) => u.parent === code)) {
      throw new UnprocessableEntityException(`unit: "${code}" is not a province or district of this deployment`);
    }
    const chosen = level ?? (unit.level === 'district' ? 'commune' : 'district');
    if (!(MAP_LEVELS as readonly string[]).includes(chosen)) throw new UnprocessableEntityException('level: must be district or commune');
    if (!tree.subtree(code).some((u) => u.level === chosen)) {
      throw new UnprocessableEntityException(`level: ${unit.fullName} has no ${chosen === 'district' ? 'districts' : 'communes'} below it`);
    }
    return { unit, level: chosen as MapLevel, tree };
  }

  /** The map of a unit's subtree at a level: 304 when the client's ETag is current. */
  async map(code: string, level: MapLevel, ifNoneMatch: string | undefined): Promise<MapAnswer> {
    const active = await this.repository.active();
    const versionOf = (l: MapLevel) => active.find((a) => a.level === l)?.id ?? null;
    const key = `${code}|${level}|${versionOf('district')}|${versionOf('commune')}`;
    let answer = this.answers.get(key);
    if (!answer) {
      const tree = await this.units();
      const [district, commune] = await Promise.all(MAP_LEVELS.map((l) => this.version(versionOf(l), l)));
      const composed = composeMap(tree.subtree(code), level, { district, commune });
      const body = JSON.stringify(composed.topology);
      answer = {
        etag: `"${createHash('sha1').update(body).digest('base64url')}"`,
        body,
        source: composed.source,
        versions: composed.versions.map((v) => `${v.level}:${v.version}`).join(','),
      };
      remember(this.answers, key, answer, CACHED_ANSWERS);
    }
    const headers = {
      ETag: answer.etag,
      'Cache-Control': 'no-cache',
      [MAP_SOURCE_HEADER]: answer.source,
      [MAP_VERSION_HEADER]: answer.versions,
    };
    if (ifNoneMatch && etagMatches(ifNoneMatch, answer.etag)) return { status: 304, headers, body: null };
    return { status: 200, headers: { ...headers, 'Content-Type': 'application/json; charset=utf-8' }, body: answer.body };
  }

  /** Compares the active versions with those last seen, and tells listeners of any change. */
  async check(): Promise<void> {
    const now = new Map((await this.repository.active()).map((a) => [a.level, a.id]));
    const before = this.active;
    this.active = now;
    if (!before) return;
    for (const [level, version] of now) {
      if (before.get(level) !== version) for (const listener of this.listeners) listener({ level, version });
    }
  }

  private version(id: number | null, level: MapLevel): Promise<MapVersion | null> {
    if (id === null) return Promise.resolve(null);
    let version = this.parsed.get(id);
    if (!version) {
      version = this.repository.topology(id).then((text) => new MapVersion(id, level, JSON.parse(text!)));
      version.catch(() => this.parsed.delete(id));
      remember(this.parsed, id, version, CACHED_VERSIONS);
    }
    return version;
  }

  /** Where the deployment's units are: district points, and the active maps' outlines and extents. */
  private async knownPlaces(tree: UnitTree): Promise<KnownPlaces> {
    const active = await this.repository.active();
    const versions = await Promise.all(active.map((a) => this.version(a.id, a.level)));
    const district = versions.find((v) => v?.level === 'district') ?? null;
    const extents = versions.filter((v): v is MapVersion => v !== null).map((v) => v.box);
    return new KnownPlaces(tree.at('district'), district?.outlines() ?? null, extents);
  }

  /** A boundary file replaces the map of every unit of its level: only an admin of them all may. */
  private requireWholeDeployment(tree: UnitTree, principal: Principal): void {
    const outside = tree.at('district').find((d) => !tree.within(d.code, principal.scope));
    if (outside) {
      const root = tree.units.filter((u) => tree.at('district').every((d) => tree.within(d.code, u.code))).at(-1);
      throw new ForbiddenException(
        `Authorization: a boundary file replaces the map of every unit; this needs an admin key for ${root?.fullName ?? 'the whole deployment'}, not one for unit ${principal.scope}`,
      );
    }
  }
}

function parseOptions(query: unknown): ImportOptions {
  const parsed = optionsSchema.safeParse(query ?? {});
  if (!parsed.success) throw new UnprocessableEntityException(describeIssues(parsed.error).replace(/^body: /, 'query: '));
  return parsed.data;
}

function parseId(text: string, field = 'importId'): number {
  const id = Number(text);
  if (!Number.isSafeInteger(id) || id <= 0) throw new NotFoundException(`${field}: "${text}" is not ${field === 'importId' ? 'an import' : 'a version'} number`);
  return id;
}

function parseConfirm(body: unknown): Record<string, string> {
  const parsed = confirmSchema.safeParse(body ?? {});
  if (!parsed.success) throw new BadRequestException(describeIssues(parsed.error));
  return parsed.data.overrides ?? {};
}

/** Every decision names a feature of the file, and a unit of its level or "excluded". */
function checkOverrides(overrides: Record<string, string>, report: MatchReport, tree: UnitTree): Map<number, string> {
  const decisions = new Map<number, string>();
  const problems: string[] = [];
  for (const [key, value] of Object.entries(overrides)) {
    const feature = /^(0|[1-9]\d*)$/.test(key) ? Number(key) : NaN;
    if (!(feature < report.features)) {
      problems.push(`overrides.${key}: no feature ${key}; the file has ${report.features} features, numbered 0 to ${report.features - 1}`);
    } else if (value !== EXCLUDED && tree.byCode.get(value)?.level !== report.level) {
      problems.push(`overrides.${key}: "${value}" is not a ${report.level} of this deployment; give a ${report.level}'s code or "${EXCLUDED}"`);
    } else {
      decisions.set(feature, value);
    }
  }
  if (problems.length) throw new UnprocessableEntityException(problems.slice(0, 10).join('; '));
  return decisions;
}

interface Proposal {
  layer: BoundaryLayer;
  level: MapLevel;
  evidence: MapLevelEvidence & { level: MapLevel | null };
  proposedProperty: string | null;
  proposedParent: string | null;
  properties: ReturnType<typeof rankColumns>;
  matching: Matching;
}

const withoutLevel = ({ level: _level, ...evidence }: MapLevelEvidence & { level: MapLevel | null }): MapLevelEvidence => evidence;

/**
 * The layer, level and columns the admin chose, or else the proposed ones: the level the
 * features' number and size agree on (none is guessed when they disagree), the column naming
 * most distinct units, a type column, and a parent column when it changes an outcome. Of
 * several layers, the one naming most units.
 */
function propose(layers: BoundaryLayer[], tree: UnitTree, places: KnownPlaces, options: ImportOptions): Proposal {
  if (options.layer && !layers.some((l) => l.name === options.layer)) {
    throw new UnprocessableEntityException(`layer: the file has no layer "${options.layer}"; it has ${layers.map((l) => `"${l.name}"`).join(', ')}`);
  }
  const levels = MAP_LEVELS.filter((l) => tree.at(l).length > 0);
  if (options.level && !levels.includes(options.level)) throw new UnprocessableEntityException(`level: this deployment has no ${options.level}s`);
  const country = [...catalog().values()];
  const counts = Object.fromEntries(MAP_LEVELS.map((l) => [l, { deployment: tree.at(l).length, country: country.filter((u) => u.level === l).length }])) as Record<MapLevel, { deployment: number; country: number }>;
  const candidates: Proposal[] = [];
  let undecided: Proposal['evidence'] | null = null;
  for (const layer of layers.filter((l) => !options.layer || l.name === options.layer)) {
    const placed = layer.features.map((f) => place(f.polygons));
    const evidence = inferLevel(placed, levels, counts);
    const level = options.level ?? evidence.level;
    if (!level) {
      undecided ??= evidence;
      continue;
    }
    const ctx = { tree, level, places, placed };
    const columns = columnsOf(layer.features);
    if (options.property && !columns.some((c) => c.name === options.property)) {
      throw new UnprocessableEntityException(
        `property: no feature has a property "${options.property}"; the file has ${columns.map((c) => `"${c.name}"`).join(', ') || 'none'}`,
      );
    }
    if (options.parentProperty && !columns.some((c) => c.name === options.parentProperty)) {
      throw new UnprocessableEntityException(`parentProperty: no feature has a property "${options.parentProperty}"`);
    }
    const type = typeColumn(layer.features, columns, ctx);
    const names = nameColumns(layer.features, columns, ctx, type);
    const properties = rankColumns(layer.features, columns, ctx, type, names);
    const proposedProperty = bestColumn(properties, layer.features);
    const chosen = { unit: options.property ?? proposedProperty, type, names };
    const proposedParent = parentColumn(layer.features, columns, ctx, chosen);
    const parent = options.parentProperty !== undefined ? options.parentProperty || null : proposedParent;
    const matching = matchFeatures(layer.features, ctx, { ...chosen, parent });
    candidates.push({ layer, level, evidence, proposedProperty, proposedParent, properties, matching });
  }
  if (candidates.length === 0) throw new UnprocessableEntityException(levelRefusal(undecided!));
  const units = (p: Proposal) => new Set(p.matching.report.matched.map((m) => m.unit.code)).size;
  return candidates.reduce((a, b) => (units(b) > units(a) ? b : a));
}

/** Why no level is proposed, and what to do. */
function levelRefusal(e: MapLevelEvidence): string {
  const name = (l: MapLevel | null) => (l === 'district' ? 'districts' : l === 'commune' ? 'communes' : 'either');
  return (
    `level: cannot tell what the file's ${e.features} features are: by their number ${name(e.byCount)}, ` +
    `by their size (median ${e.medianAreaKm2} km²) ${name(e.byArea)}; choose the level (district or commune)`
  );
}

function remember<K, V>(cache: Map<K, V>, key: K, value: V, limit: number): void {
  cache.set(key, value);
  if (cache.size > limit) cache.delete(cache.keys().next().value as K);
}

