import { ApiKey } from './api-key.entity.js';
import { Campaign, Commitment, Metric, Milestone, Target, TargetVersion } from './campaign.entity.js';
import { AuditRecord, Person, PersonSession } from './person.entity.js';
import { BoundaryMap } from './boundary-map.entity.js';
import { Unit } from './catalog.entity.js';
import { Change, Completion, CountedEvent, Counter, DailyValue, LogHead } from './log.entity.js';

export type { KeyRole } from './api-key.entity.js';
export { ApiKey, AuditRecord, BoundaryMap, Campaign, Commitment, Person, PersonSession, TargetVersion, Change, Completion, CountedEvent, Counter, DailyValue, LogHead, Metric, Milestone, Target, Unit };

export const entities = [Unit, Campaign, Metric, Milestone, Target, TargetVersion, Commitment, Person, PersonSession, AuditRecord, ApiKey, CountedEvent, Counter, DailyValue, Change, LogHead, Completion, BoundaryMap];
