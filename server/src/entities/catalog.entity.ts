import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';
import type { UnitLevel } from '@tiendo/shared';

/** An administrative unit of the GSO catalog: country, province, district or commune. */
@Entity({ tableName: 'unit' })
export class Unit {
  @PrimaryKey({ type: 'text' })
  code: string;

  @Property({ type: 'text' })
  name: string;

  @Property({ type: 'text' })
  fullName: string;

  @Property({ type: 'text' })
  type: string;

  @Property({ type: 'text' })
  level: UnitLevel;

  @Index()
  @Property({ type: 'text', nullable: true })
  parentCode: string | null;

  constructor(code: string, name: string, fullName: string, type: string, level: UnitLevel, parentCode: string | null) {
    this.code = code;
    this.name = name;
    this.fullName = fullName;
    this.type = type;
    this.level = level;
    this.parentCode = parentCode;
  }
}
