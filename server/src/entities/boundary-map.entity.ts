import { Entity, Index, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import type { MapLevel, MatchReport } from '@tiendo/shared';

/**
 * An imported boundary file of one level, matched to units and simplified: a draft until an
 * admin confirms it (with decisions for what the file left unclear), then the active version of
 * its level until another replaces it. Replaced versions are kept, so any map once shown can be
 * looked at, and made the map, again.
 */
export type BoundaryMapStatus = 'draft' | 'active' | 'replaced';

@Entity({ tableName: 'boundary_map' })
@Index({ properties: ['level', 'status'] })
export class BoundaryMap {
  [OptionalProps]?: 'status' | 'createdAt' | 'confirmedAt';

  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'text' })
  level: MapLevel;

  @Property({ type: 'text' })
  status: BoundaryMapStatus = 'draft';

  @Property({ type: 'text' })
  fileName: string;

  @Property({ type: 'text', nullable: true })
  property: string | null;

  @Property({ type: 'text', nullable: true })
  parentProperty: string | null;

  /**
   * TopoJSON in lon/lat. A draft: every feature of the file, keyed by its number, so that a
   * person can still give any of them a unit; a version: one geometry per unit, keyed by code.
   */
  @Property({ type: 'text', lazy: true })
  topology: string;

  /** As matched; once confirmed, with the decisions applied. */
  @Property({ type: 'json' })
  report: MatchReport;

  @Property({ type: 'integer' })
  storedBytes: number;

  @Property({ type: 'text' })
  createdBy: string;

  @Property({ type: 'Date' })
  createdAt: Date = new Date();

  @Property({ type: 'Date', nullable: true })
  confirmedAt: Date | null = null;

  constructor(level: MapLevel, fileName: string, property: string | null, parentProperty: string | null, topology: string, report: MatchReport, createdBy: string) {
    this.level = level;
    this.fileName = fileName;
    this.property = property;
    this.parentProperty = parentProperty;
    this.topology = topology;
    this.report = report;
    this.storedBytes = Buffer.byteLength(topology);
    this.createdBy = createdBy;
  }
}
