import { ApiKey } from './api-key.entity.js';
import { Campaign, Metric, Milestone, Target } from './campaign.entity.js';
import { BoundaryMap } from './boundary-map.entity.js';
import { Unit } from './catalog.entity.js';
import { Change, Completion, CountedEvent, Counter, DailyValue, LogHead } from './log.entity.js';

export type { KeyRole } from './api-key.entity.js';
export { ApiKey, BoundaryMap, Campaign, Change, Completion, CountedEvent, Counter, DailyValue, LogHead, Metric, Milestone, Target, Unit };

export const entities = [Unit, Campaign, Metric, Milestone, Target, ApiKey, CountedEvent, Counter, DailyValue, Change, LogHead, Completion, BoundaryMap];
