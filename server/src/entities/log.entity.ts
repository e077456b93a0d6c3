import { BigIntType, Entity, PrimaryKey, PrimaryKeyProp, Property } from '@mikro-orm/core';

/*
 * The counted work and what is derived from it. The ingest path writes these tables with
 * set-based SQL in one transaction (see IngestRepository); the entities describe them for
 * reads and for the schema.
 */

/**
 * Append-only: one record of counted work, keyed by the sender's idempotency id within the
 * sender's scope (the unit of the key that sent it) and its origin: a record posted as such,
 * or the difference a cumulative report made.
 */
@Entity({ tableName: 'event' })
export class CountedEvent {
  [PrimaryKeyProp]?: ['campaignId', 'senderScope', 'origin', 'id'];

  @PrimaryKey({ type: 'text' })
  campaignId!: string;

  @PrimaryKey({ type: 'text' })
  senderScope!: string;

  @PrimaryKey({ type: 'text' })
  origin!: 'event' | 'report';

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

  /** Sent again as confirmed after the plausibility rule held it. */
  @Property({ type: 'boolean' })
  confirmed!: boolean;
}

/** The current value of a commune for a metric. */
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

  /** When the latest of its records happened. */
  @Property({ type: 'Date', nullable: true })
  lastAt!: Date | null;
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

  /** When the latest record of the batch for this commune happened. */
  @Property({ type: 'Date' })
  occurredAt!: Date;

  /** When the earliest one did. */
  @Property({ type: 'Date', nullable: true })
  firstAt!: Date | null;

  /** Whether the batch took something back from this commune. */
  @Property({ type: 'boolean' })
  negative!: boolean;
}

/** One row whose lock orders commits: sequence numbers are handed out in commit order. */
@Entity({ tableName: 'log_head' })
export class LogHead {
  @PrimaryKey({ type: 'integer' })
  id!: number;

  @Property({ type: new BigIntType('number') })
  seq!: number;

  /** The log's identity: a reset or restored database has another. */
  @Property({ type: 'text' })
  epoch!: string;
}

/**
 * Since when a unit has stood at or above its target (null: it no longer does), as decided at
 * sequence number `seq`.
 */
@Entity({ tableName: 'completion' })
export class Completion {
  [PrimaryKeyProp]?: ['campaignId', 'metric', 'unitCode'];

  @PrimaryKey({ type: 'text' })
  campaignId!: string;

  @PrimaryKey({ type: 'text' })
  metric!: string;

  @PrimaryKey({ type: 'text' })
  unitCode!: string;

  @Property({ type: 'Date', nullable: true })
  completedAt!: Date | null;

  @Property({ type: new BigIntType('number') })
  seq!: number;
}
