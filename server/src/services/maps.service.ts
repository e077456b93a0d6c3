/**
 * Boundary maps (DESIGN.md §5). An admin's file is read, matched to units and simplified into a
 * draft with its match report; nothing shows until the draft is confirmed. A confirmed draft
 * becomes its level's active version, every server instance notices (it polls the active
 * versions), and tells its screens with `mapChanged`. Screens fetch their map as TopoJSON,
 * composed per unit and level and cached under an ETag.
 */
import { createHash } from 'node:crypto';
import {
  ConflictException, ForbiddenException, Injectable, Logger, NotFoundException, Optional, UnprocessableEntityException,
  type OnApplicationBootstrap, type OnApplicationShutdown,
} from '@nestjs/common';
import {
  MAP_LEVELS, MAP_SOURCE_HEADER, MAP_VERSION_HEADER,
  type MapChangedMessage, type MapImportPreview, type MapLevel, type MapVersionInfo, type UnitInfo,
} from '@tiendo/shared';
import { describeIssues } from '@tiendo/shared/schemas';
import { z } from 'zod';
import { isDatabaseUnavailable } from '../common/errors.filter.js';
import { BoundaryMap } from '../entities/index.js';
import { DatabaseOutage } from '../observability/database-outage.js';
import { MapsRepository } from '../repositories/maps.repository.js';
import type { Principal } from './auth.service.js';
import type { Upload } from '../common/upload.js';
import { readBoundaryFile, type BoundaryLayer } from './boundary-file.js';
import { composeMap, MapVersion, storedTopology } from './boundary-topology.js';
import {
  bestProperty, matchFeatures, PARENT_LEVEL, parentProperty, rankProperties, UnitTree, type Matching,
} from './map-matching.js';

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
      (units) => new UnitTree(units),
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
    const proposal = propose(layers, tree, options);
    const { layer, level, matching } = proposal;
    const fileName = options.name ?? upload.fileName;
    const stored = matching.units.length ? storedTopology(level, matching.units) : null;
    const text = stored ? JSON.stringify(stored.topology) : '';
    const importId = stored
      ? await this.repository.saveDraft(new BoundaryMap(level, fileName, matching.report.property, matching.report.parentProperty, text, matching.report, principal.name))
      : null;
    return {
      importId, fileName, layer: layer.name,
      layers: layers.map((l) => ({ name: l.name, features: l.features.length })),
      proposedLevel: proposal.proposedLevel, proposedProperty: proposal.proposedProperty, proposedParentProperty: proposal.proposedParent,
      properties: proposal.properties, report: matching.report,
      size: { fileBytes: upload.bytes.length, storedBytes: Buffer.byteLength(text), points: stored?.points ?? 0, storedPoints: stored?.storedPoints ?? 0 },
      elapsedMs: Math.round(performance.now() - started),
    };
  }

  /** Makes a draft the active map of its level and tells every screen. */
  async confirm(importId: string, principal: Principal): Promise<MapVersionInfo> {
    const id = parseId(importId);
    this.requireWholeDeployment(await this.units(), principal);
    const outcome = await this.repository.activate(id);
    if (outcome === 'missing') throw new NotFoundException(`importId: no import ${id} (drafts are kept for a day)`);
    if (outcome === 'confirmed-before') throw new ConflictException(`importId: import ${id} was confirmed before`);
    await this.check();
    return (await this.repository.version(id))!;
  }

  async versions(principal: Principal): Promise<MapVersionInfo[]> {
    this.requireWholeDeployment(await this.units(), principal);
    return this.repository.versions();
  }

  /** A draft's or version's own topology, for a preview of what the file holds. */
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

function parseId(text: string): number {
  const id = Number(text);
  if (!Number.isSafeInteger(id) || id <= 0) throw new NotFoundException(`importId: "${text}" is not an import number`);
  return id;
}

interface Proposal {
  layer: BoundaryLayer;
  level: MapLevel;
  proposedLevel: MapLevel;
  proposedProperty: string | null;
  proposedParent: string | null;
  properties: ReturnType<typeof rankProperties>;
  matching: Matching;
}

/**
 * The layer, level and properties the admin chose, or else those that match most units: for
 * each layer and level, the property naming most units, and a parent property when one narrows
 * names without losing matches.
 */
function propose(layers: BoundaryLayer[], tree: UnitTree, options: ImportOptions): Proposal {
  if (options.layer && !layers.some((l) => l.name === options.layer)) {
    throw new UnprocessableEntityException(`layer: the file has no layer "${options.layer}"; it has ${layers.map((l) => `"${l.name}"`).join(', ')}`);
  }
  const candidates: Omit<Proposal, 'proposedLevel'>[] = [];
  for (const layer of layers.filter((l) => !options.layer || l.name === options.layer)) {
    for (const level of MAP_LEVELS.filter((l) => tree.at(l).length > 0)) {
      const properties = rankProperties(layer.features, tree.index(level));
      if (options.property && !properties.some((p) => p.name === options.property)) {
        throw new UnprocessableEntityException(
          `property: no feature has a property "${options.property}"; the file has ${properties.map((p) => `"${p.name}"`).join(', ') || 'none'}`,
        );
      }
      const proposedProperty = bestProperty(properties);
      const property = options.property ?? proposedProperty;
      const proposedParent = parentProperty(layer.features, tree.index(PARENT_LEVEL[level]), property);
      const parent = options.parentProperty !== undefined ? options.parentProperty || null : proposedParent;
      if (parent && !properties.some((p) => p.name === parent)) {
        throw new UnprocessableEntityException(`parentProperty: no feature has a property "${parent}"`);
      }
      let matching = matchFeatures(layer.features, tree, level, property, parent);
      if (options.parentProperty === undefined && parent) {
        const without = matchFeatures(layer.features, tree, level, property, null);
        if (without.report.matched.length > matching.report.matched.length) matching = without;
      }
      candidates.push({ layer, level, proposedProperty, proposedParent, properties, matching });
    }
  }
  // Units found per feature: a commune file read as districts finds 13 units in 216 features.
  const share = (p: Omit<Proposal, 'proposedLevel'>) => new Set(p.matching.report.matched.map((m) => m.unit.code)).size / Math.max(1, p.layer.features.length);
  const best = (list: typeof candidates) => list.reduce((a, b) => (share(b) > share(a) ? b : a));
  const proposed = best(candidates);
  const chosen = options.level ? candidates.filter((c) => c.level === options.level) : [proposed];
  if (chosen.length === 0) throw new UnprocessableEntityException(`level: this deployment has no ${options.level}s`);
  return { ...best(chosen), proposedLevel: proposed.level };
}

function etagMatches(header: string, etag: string): boolean {
  return header.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t.replace(/^W\//, '') === etag;
  });
}

function remember<K, V>(cache: Map<K, V>, key: K, value: V, limit: number): void {
  cache.set(key, value);
  if (cache.size > limit) cache.delete(cache.keys().next().value as K);
}

