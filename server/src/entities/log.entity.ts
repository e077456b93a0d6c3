import { BigIntType, Entity, PrimaryKey, PrimaryKeyProp, Property } from '@mikro-orm/core';

/*
 * The counted work and what is derived from it. The ingest path writes these tables with
 * set-based SQL in one transaction (see IngestRepository); the entities describe them for
 * reads and for the schema.
 */

/** Append-only: one record of counted work, keyed by the sender's idempotency id. */
@Entity({ tableName: 'event' })
export class CountedEvent {
  [PrimaryKeyProp]?: ['campaignId', 'id'];

  @PrimaryKey({ type: 'text' })
  campaignId!: string;

  @PrimaryKey({ type: 'text' })
  id!: string;

  @Property({ type: 'text' })
  metric!: string;

  @Property({ type: 'text' })
  unitCode!: string;

  @Property({ type: 'integer' })
  delta!: number;

  @Property({ type: 'Date' })
  occurredAt!: Date;

  @Property({ type: 'date', columnType: 'date' })
  day!: string;

  @Property({ type: 'Date' })
  receivedAt!: Date;

  @Property({ type: 'text', nullable: true })
  source!: string | null;

  @Property({ type: 'text', nullable: true })
  reason!: string | null;

  @Property({ type: 'integer', nullable: true })
  apiKeyId!: number | null;
}

/** The current value of a commune for a metric, and the sequence number that last set it. */
@Entity({ tableName: 'counter' })
export class Counter {
  [PrimaryKeyProp]?: ['campaignId', 'metric', 'unitCode'];

  @PrimaryKey({ type: 'text' })
  campaignId!: string;

  @PrimaryKey({ type: 'text' })
  metric!: string;

  @PrimaryKey({ type: 'text' })
  unitCode!: string;

  @Property({ type: new BigIntType('number') })
  value!: number;

  @Property({ type: new BigIntType('number') })
  lastSeq!: number;
}

/** What a commune gained on one local date. */
@Entity({ tableName: 'daily_value' })
export class DailyValue {
  [PrimaryKeyProp]?: ['campaignId', 'metric', 'unitCode', 'day'];

  @PrimaryKey({ type: 'text' })
  campaignId!: string;

  @PrimaryKey({ type: 'text' })
  metric!: string;

  @PrimaryKey({ type: 'text' })
  unitCode!: string;

  @PrimaryKey({ type: 'date', columnType: 'date' })
  day!: string;

  @Property({ type: new BigIntType('number') })
  value!: number;
}

/**
 * The change log: absolute values a committed batch left behind, under one global sequence
 * number. Server instances read it to follow each other.
 */
@Entity({ tableName: 'change' })
export class Change {
  [PrimaryKeyProp]?: ['seq', 'campaignId', 'metric', 'unitCode', 'day'];

  @PrimaryKey({ type: new BigIntType('number') })
  seq!: number;

  @PrimaryKey({ type: 'text' })
  campaignId!: string;

  @PrimaryKey({ type: 'text' })
  metric!: string;

  @PrimaryKey({ type: 'text' })
  unitCode!: string;

  @PrimaryKey({ type: 'date', columnType: 'date' })
  day!: string;

  @Property({ type: new BigIntType('number') })
  value!: number;

  @Property({ type: new BigIntType('number') })
  dayValue!: number;

  @Property({ type: 'Date' })
  occurredAt!: Date;
}

/** One row whose lock orders commits: sequence numbers are handed out in commit order. */
@Entity({ tableName: 'log_head' })
export class LogHead {
  @PrimaryKey({ type: 'integer' })
  id!: number;

  @Property({ type: new BigIntType('number') })
  seq!: number;
}

/** The instant a unit first reached its target. */
@Entity({ tableName: 'completion' })
export class Completion {
  [PrimaryKeyProp]?: ['campaignId', 'metric', 'unitCode'];

  @PrimaryKey({ type: 'text' })
  campaignId!: string;

  @PrimaryKey({ type: 'text' })
  metric!: string;

  @PrimaryKey({ type: 'text' })
  unitCode!: string;

  @Property({ type: 'Date' })
  completedAt!: Date;
}
