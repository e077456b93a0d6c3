import { DEFAULT_PLAUSIBILITY, type CampaignStatus, type PlausibilityRule } from '@tiendo/shared';
import { BigIntType, Entity, OptionalProps, PrimaryKey, PrimaryKeyProp, Property } from '@mikro-orm/core';

@Entity({ tableName: 'campaign' })
export class Campaign {
  [OptionalProps]?: 'createdAt' | 'status';

  @PrimaryKey({ type: 'text' })
  id: string;

  @Property({ type: 'text' })
  name: string;

  @Property({ type: 'text' })
  timeZone: string;

  @Property({ type: 'date', columnType: 'date' })
  startDate: string;

  @Property({ type: 'text' })
  rootUnit: string;

  @Property({ type: 'Date' })
  createdAt: Date = new Date();

  @Property({ type: 'text' })
  status: CampaignStatus = 'active';

  constructor(id: string, name: string, timeZone: string, startDate: string, rootUnit: string) {
    this.id = id;
    this.name = name;
    this.timeZone = timeZone;
    this.startDate = startDate;
    this.rootUnit = rootUnit;
  }
}

/** What a campaign counts, e.g. `cccd_intake`. */
@Entity({ tableName: 'metric' })
export class Metric {
  [PrimaryKeyProp]?: ['campaignId', 'key'];
  [OptionalProps]?: 'plausibility' | 'shortName' | 'startDate' | 'activationOf';

  @PrimaryKey({ type: 'text' })
  campaignId: string;

  @PrimaryKey({ type: 'text' })
  key: string;

  @Property({ type: 'text' })
  name: string;

  @Property({ type: 'integer' })
  position: number;

  @Property({ type: 'json' })
  plausibility: PlausibilityRule = { ...DEFAULT_PLAUSIBILITY };

  @Property({ type: 'text', nullable: true })
  shortName: string | null = null;

  /** When its work began, if after the campaign's start. */
  @Property({ type: 'date', columnType: 'date', nullable: true })
  startDate: string | null = null;

  /** The intake metric this one activates. */
  @Property({ type: 'text', nullable: true })
  activationOf: string | null = null;

  constructor(campaignId: string, key: string, name: string, position: number) {
    this.campaignId = campaignId;
    this.key = key;
    this.name = name;
    this.position = position;
  }
}

/** A named deadline of some metrics: "Cam kết của Giám đốc" binds CCCD intake. */
@Entity({ tableName: 'milestone' })
export class Milestone {
  [OptionalProps]?: 'document';

  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'text[]', columnType: 'text[]' })
  metrics: string[];

  /** The document that set it. */
  @Property({ type: 'text', nullable: true })
  document: string | null = null;

  @Property({ type: 'text' })
  campaignId: string;

  @Property({ type: 'text' })
  name: string;

  @Property({ type: 'date', columnType: 'date' })
  date: string;

  constructor(campaignId: string, name: string, date: string, metrics: string[]) {
    this.campaignId = campaignId;
    this.name = name;
    this.date = date;
    this.metrics = metrics;
  }
}

/**
 * The target of a unit for a metric. Set on communes and summed upward, or set on a higher
 * unit, where it wins over whatever its children sum to.
 */
@Entity({ tableName: 'target' })
export class Target {
  [PrimaryKeyProp]?: ['campaignId', 'metric', 'unitCode'];

  @PrimaryKey({ type: 'text' })
  campaignId: string;

  @PrimaryKey({ type: 'text' })
  metric: string;

  @PrimaryKey({ type: 'text' })
  unitCode: string;

  @Property({ type: new BigIntType('number') })
  target: number;

  constructor(campaignId: string, metric: string, unitCode: string, target: number) {
    this.campaignId = campaignId;
    this.metric = metric;
    this.unitCode = unitCode;
    this.target = target;
  }
}

/** A unit's own date for a metric. */
@Entity({ tableName: 'commitment' })
export class Commitment {
  [PrimaryKeyProp]?: ['campaignId', 'metric', 'unitCode'];

  @PrimaryKey({ type: 'text' })
  campaignId!: string;

  @PrimaryKey({ type: 'text' })
  metric!: string;

  @PrimaryKey({ type: 'text' })
  unitCode!: string;

  @Property({ type: 'date', columnType: 'date' })
  date!: string;

  @Property({ type: 'text', nullable: true })
  document!: string | null;
}

/** A target as it stood from `validFrom` on: the history of revisions, with their reasons. */
@Entity({ tableName: 'target_version' })
export class TargetVersion {
  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @Property({ type: 'text' })
  campaignId!: string;

  @Property({ type: 'text' })
  metric!: string;

  @Property({ type: 'text' })
  unitCode!: string;

  @Property({ type: new BigIntType('number'), nullable: true })
  target!: number | null;

  @Property({ type: 'Date' })
  validFrom!: Date;

  @Property({ type: 'text' })
  reason!: string;

  @Property({ type: 'text' })
  author!: string;
}
