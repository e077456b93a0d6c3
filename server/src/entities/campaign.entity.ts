import { DEFAULT_PLAUSIBILITY, type PlausibilityRule } from '@tiendo/shared';
import { BigIntType, Entity, OptionalProps, PrimaryKey, PrimaryKeyProp, Property } from '@mikro-orm/core';

@Entity({ tableName: 'campaign' })
export class Campaign {
  [OptionalProps]?: 'createdAt';

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
  [OptionalProps]?: 'plausibility';

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

  constructor(campaignId: string, key: string, name: string, position: number) {
    this.campaignId = campaignId;
    this.key = key;
    this.name = name;
    this.position = position;
  }
}

/** A named deadline: "Cam kết của Giám đốc", "Mốc Bộ giao". */
@Entity({ tableName: 'milestone' })
export class Milestone {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'text' })
  campaignId: string;

  @Property({ type: 'text' })
  name: string;

  @Property({ type: 'date', columnType: 'date' })
  date: string;

  constructor(campaignId: string, name: string, date: string) {
    this.campaignId = campaignId;
    this.name = name;
    this.date = date;
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
