/**
 * The shapes of the API's answers, as zod schemas for the OpenAPI document. Each is checked at
 * compile time to be exactly the TypeScript type the server returns (from `@tiendo/shared`):
 * a change to an answer that is not made here too fails the build, so the document cannot
 * drift from the code.
 */
import type {
  AuditPage, CampaignInfo, CatalogImportPreview, CountImportPreview, CountImportResult, DerivedFigures, EveningReport, EventBatchResult, HeldList, HeldOutcome, HeldRecord,
  HistoryResponse, KeyCreated, KeyInfo, KeyRevoked, MapImportPreview, MapVersionInfo, NoteInfo, PersonCreated, PersonInfo, ProgressRow,
  ProgressTable, ReportBatchResult, SeriesResponse, SessionInfo, SilenceReport, Snapshot, Standing, TargetImportPreview, TargetRow, TargetVersion, UnitCatalog, UnitInfo,
} from '@tiendo/shared';
import { z } from 'zod';
import type { SnapshotWithFigures } from '../controllers/campaigns.controller.js';

/** Compiles only when the schema's type and `T` are the same type. */
type Same<A, B> = (<X>() => X extends A ? 1 : 2) extends (<X>() => X extends B ? 1 : 2) ? true : false;
function exactly<T>() {
  return <S extends z.ZodType>(schema: S & (Same<z.output<S>, T> extends true ? unknown : { mismatch: z.output<S> })): S => schema;
}

const count = z.int().min(0);
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).describe('local date, YYYY-MM-DD');
const epochMs = z.number().describe('milliseconds since 1970-01-01T00:00:00Z');
const seq = z.int().min(0).describe('sequence number of the change log');

export const errorBody = z.object({
  statusCode: z.int(),
  error: z.string(),
  message: z.string().describe('what was wrong, naming the field'),
});

const heldOutcomes = z.array(exactly<HeldOutcome>()(z.object({
  path: z.string().meta({ example: 'events[0]' }),
  id: z.string(),
  status: z.enum(['held', 'rejected']).describe('held: waiting for a chief; rejected: a chief refused it (not counted)'),
  limit: count.describe('the most the record may move the commune at once'),
  message: z.string(),
  reason: z.string().optional().describe('a rejection\'s reason'),
}))).optional().describe('a commune officer\'s records held by the plausibility rule (the answer is then 202)');

export const eventBatchResult = exactly<EventBatchResult>()(z.object({
  accepted: count.describe('events counted now'),
  duplicates: count.describe('events received before (same id): not counted again'),
  seq: seq.nullable().describe('sequence number of the change, or null when nothing was new'),
  held: heldOutcomes,
}).meta({ example: { accepted: 12, duplicates: 1, seq: 4711 } }));

export const reportBatchResult = exactly<ReportBatchResult>()(z.object({
  accepted: count.describe('reports that changed a value'),
  unchanged: count.describe('reports whose total equalled the current value'),
  duplicates: count.describe('reports received before (same id)'),
  seq: seq.nullable(),
  held: heldOutcomes,
}).meta({ example: { accepted: 1, unchanged: 0, duplicates: 0, seq: 4712 } }));

const unitLevel = z.enum(['country', 'province', 'district', 'commune']);

const campaignInfo = exactly<CampaignInfo>()(z.object({
  id: z.string(),
  name: z.string(),
  timeZone: z.string().meta({ example: 'Asia/Ho_Chi_Minh' }),
  startDate: date,
  rootUnit: z.string().describe('GSO code of the campaign\'s root unit'),
  status: z.enum(['active', 'closed', 'archived']).describe('closed: no more records; archived: kept, not shown'),
  metrics: z.array(z.object({
    key: z.string().meta({ example: 'cccd_intake' }),
    name: z.string(),
    shortName: z.string().optional(),
    startDate: date.optional().describe('when its work began, if after the campaign\'s start'),
    activationOf: z.string().optional().describe('the intake metric this one activates'),
    plausibility: z.object({ shareOfTarget: z.number(), timesBestDay: z.number(), minDays: z.number(), floor: z.number() }).optional()
      .describe('a record beyond this is refused unless confirmed'),
  })),
  milestones: z.array(z.object({ name: z.string(), date, metrics: z.array(z.string()), document: z.string().optional() })),
  commitments: z.array(z.object({ metric: z.string(), unit: z.string(), date, document: z.string().optional() }))
    .describe('units\' own dates for a metric'),
}));
export const campaign = campaignInfo;
export const campaignList = z.array(campaignInfo);

const unitInfo = exactly<UnitInfo>()(z.object({
  code: z.string(),
  name: z.string(),
  fullName: z.string().meta({ example: 'Huyện Thạch Hà' }),
  type: z.string(),
  level: unitLevel,
  parent: z.string().nullable(),
}));
export const unitList = z.array(unitInfo);

const metricValue = z.object({
  value: z.int(),
  target: z.int(),
  today: z.int().describe('gained since local midnight'),
  last7: z.int().describe('gained over the last 7 full local days'),
  completedAt: epochMs.nullable().describe('when the value first reached the target'),
});

const unitValues = z.object({ code: z.string(), metrics: z.record(z.string(), metricValue) });

const snapshot = exactly<Snapshot>()(z.object({
  epoch: z.string().describe('identity of the change log the sequence numbers belong to'),
  campaign: campaignInfo,
  scope: z.string(),
  seq,
  serverTime: epochMs,
  units: z.array(unitInfo),
  values: z.array(unitValues),
}));

export const unitCatalog = exactly<UnitCatalog>()(z.object({
  campaign: z.string(),
  scope: z.string(),
  depth: z.int().min(0).max(3).nullable().describe('levels below the scope; null: every level'),
  version: z.string().describe('changes only when the units do; also the ETag'),
  units: z.array(unitInfo).describe('parents first'),
}));

const derivedFigures = exactly<DerivedFigures>()(z.object({
  progress: z.number().nullable().describe('value / target; null without a target'),
  remaining: z.number(),
  pace: z.number().describe('mean daily gain over the last 7 full days'),
  finishDate: date.nullable().describe('actual or projected'),
  milestones: z.array(z.object({
    name: z.string(),
    date,
    daysLeft: z.number(),
    requiredRate: z.number().nullable().describe('per day from now on; null once the milestone has passed unmet'),
    daysAhead: z.number().nullable().describe('positive: ahead of the milestone; negative: behind'),
  })),
}));

export const snapshotWithFigures = exactly<SnapshotWithFigures>()(snapshot.extend({
  derived: z.record(z.string(), z.record(z.string(), derivedFigures)).describe('by unit code, then metric'),
}));

const sender = z.object({ kind: z.enum(['person', 'key']), name: z.string() }).nullable().describe('a person\'s name, or a key\'s');

export const heldRecord = exactly<HeldRecord>()(z.object({
  id: z.int().min(1).describe('the held record\'s number, to confirm or reject it'),
  recordId: z.string().describe('the sender\'s idempotency id'),
  origin: z.enum(['event', 'report']).describe('report: a cumulative total'),
  campaign: z.string(),
  metric: z.string(),
  unit: z.string(),
  unitName: z.string(),
  parentName: z.string().nullable(),
  delta: z.int().describe('what it would add; for a report, the difference when it was held'),
  total: z.int().nullable().describe('a report\'s total'),
  occurredAt: z.string().describe('ISO 8601: when the work happened, or the total stood'),
  receivedAt: z.string(),
  source: z.string().nullable(),
  reason: z.string().nullable().describe('a correction\'s reason'),
  sender,
  limit: z.object({ amount: count, why: z.string().meta({ example: 'more than 25% of its target 6361' }) }),
  status: z.enum(['held', 'confirmed', 'rejected']),
  decision: z.object({ by: z.string(), at: z.string(), reason: z.string().nullable() }).nullable().describe('who decided, when, and why (a rejection)'),
}));

export const heldList = exactly<HeldList>()(z.object({
  campaign: z.string(),
  scope: z.string(),
  held: z.array(heldRecord).describe('waiting for a decision, oldest first'),
}));

export const standing = exactly<Standing>()(z.object({
  campaign: z.string(),
  unit: unitInfo,
  parent: unitInfo.nullable(),
  serverTime: epochMs,
  metrics: z.array(z.object({
    metric: z.string(),
    value: z.int(),
    target: z.int(),
    today: z.int(),
    completedAt: epochMs.nullable(),
    rank: z.int().min(1).nullable().describe('among the communes of the same parent'),
    of: count.describe('communes of the same parent'),
    derived: derivedFigures,
  })),
  entries: z.array(z.object({
    id: z.string(),
    origin: z.enum(['event', 'report']).describe('report: the difference a cumulative total made'),
    metric: z.string(),
    delta: z.int(),
    occurredAt: z.string().describe('ISO 8601'),
    receivedAt: z.string().describe('ISO 8601'),
    source: z.string().nullable(),
    reason: z.string().nullable(),
    confirmed: z.boolean(),
    sender,
  })).describe('the commune\'s records of today, newest first, at most 100'),
  held: z.array(heldRecord).describe('its records held by the plausibility rule: waiting, and decided in the last 7 days; newest first'),
}));

export const silenceReport = exactly<SilenceReport>()(z.object({
  campaign: z.string(),
  scope: z.string(),
  hours: z.number(),
  since: z.string().describe('ISO 8601: communes with nothing received since are silent'),
  serverTime: epochMs,
  communes: count.describe('communes in the scope'),
  silent: z.array(z.object({
    unit: z.string(),
    name: z.string(),
    parentName: z.string().nullable(),
    last: z.object({
      receivedAt: z.string(), occurredAt: z.string(), metric: z.string(), delta: z.int(), source: z.string().nullable(), sender,
      held: z.boolean().describe('held by the plausibility rule for a chief, not counted'),
    }).nullable().describe('the latest record by arrival, counted or held; null when it never reported'),
  })).describe('never reported first, then the longest silent'),
}));

export const seriesResponse = exactly<SeriesResponse>()(z.object({
  campaign: z.string(),
  unit: z.string(),
  metrics: z.record(z.string(), z.array(z.object({ date, value: z.int() }))).describe('per metric, one point per local date'),
}));

export const historyResponse = exactly<HistoryResponse>()(z.object({
  campaign: z.string(),
  scope: z.string(),
  date,
  values: z.array(unitValues),
}));

const keyRole = z.enum(['ingest', 'display', 'admin']);

export const keyCreated = exactly<KeyCreated>()(z.object({
  id: z.int(),
  name: z.string(),
  role: keyRole,
  scope: z.string(),
  key: z.string().describe('the secret: shown in this answer only'),
}));

export const keyList = exactly<KeyInfo[]>()(z.array(z.object({
  id: z.int(),
  name: z.string(),
  role: keyRole,
  scope: z.string(),
  createdAt: z.string().describe('ISO 8601'),
  revokedAt: z.string().nullable(),
})));

export const keyRevoked = exactly<KeyRevoked>()(z.object({ id: z.int(), revokedAt: z.string().describe('ISO 8601') }));

const mapLevel = z.enum(['district', 'commune']);
const mapUnitRef = z.object({ code: z.string(), name: z.string(), parent: z.string().nullable() });
const mapMatchMethod = z.enum(['code', 'name', 'folded', 'hand']).describe('hand: a person chose the unit');
const confirmedBy = z.enum(['name', 'place']).optional().describe('what confirmed a code');

export const mapImportPreview = exactly<MapImportPreview>()(z.object({
  importId: z.int().nullable().describe('null when no feature names a unit, even possibly: nothing was kept'),
  fileName: z.string(),
  layer: z.string(),
  layers: z.array(z.object({ name: z.string(), features: count })),
  proposedLevel: mapLevel.nullable().describe('null when the number and the size of the features disagree'),
  levelEvidence: z.object({ features: count, medianAreaKm2: z.number(), byCount: mapLevel.nullable(), byArea: mapLevel.nullable() }),
  proposedProperty: z.string().nullable(),
  proposedParentProperty: z.string().nullable(),
  properties: z.array(z.object({
    name: z.string(), samples: z.array(z.string()), matched: count, kind: z.enum(['values', 'sequential', 'same', 'type']),
  })),
  report: z.object({
    level: mapLevel,
    property: z.string().nullable(),
    parentProperty: z.string().nullable(),
    typeProperty: z.string().nullable(),
    features: count,
    units: count,
    matched: z.array(z.object({ feature: count, value: z.string(), unit: mapUnitRef, by: mapMatchMethod, confirmedBy })),
    ambiguous: z.array(z.object({
      feature: count, value: z.string(), parentValue: z.string().nullable(), reason: z.enum(['same-name', 'unconfirmed-code']), candidates: z.array(mapUnitRef),
    })),
    unmatched: z.array(z.object({
      feature: count, value: z.string(), parentValue: z.string().nullable(),
      reason: z.enum(['no-column', 'no-value', 'unknown-name', 'unknown-code', 'other-parent', 'contradicted-code']), candidates: z.array(mapUnitRef),
    })),
    conflicts: z.array(z.object({
      unit: mapUnitRef,
      reason: z.enum(['duplicate', 'claimed-by-hand']),
      claims: z.array(z.object({ feature: count, value: z.string(), by: mapMatchMethod, confirmedBy })),
    })),
    excluded: z.array(count).describe('features a person left out'),
    missing: z.array(mapUnitRef.extend({ reason: z.enum(['no-feature', 'ambiguous', 'conflict']) })),
    merged: z.array(z.object({ unit: z.string(), features: z.array(count) })),
    outside: z.object({
      features: z.array(count), matched: z.array(count), distanceKm: z.number(),
      extent: z.tuple([z.number(), z.number(), z.number(), z.number()]).describe('west, south, east, north in degrees'),
    }).nullable().describe('features lying outside the deployment\'s known extent'),
  }),
  choices: z.array(mapUnitRef).describe('every unit of the level, for a person to pick from'),
  size: z.object({ fileBytes: count, storedBytes: count, points: count, storedPoints: count }),
  elapsedMs: z.number(),
}));

export const mapVersionInfo = exactly<MapVersionInfo>()(z.object({
  version: z.int(),
  level: mapLevel,
  fileName: z.string(),
  property: z.string().nullable(),
  matched: count,
  missing: count,
  storedBytes: count,
  confirmedAt: z.string().nullable(),
  active: z.boolean(),
}));
export const mapVersionList = z.array(mapVersionInfo);

export const topology = z.object({ type: z.literal('Topology'), objects: z.record(z.string(), z.unknown()), arcs: z.array(z.unknown()) })
  .loose()
  .describe('TopoJSON in WGS84 longitude/latitude');

export const healthStatus = z.object({ status: z.literal('ok'), database: z.enum(['embedded', 'postgresql']), seq });
export type HealthStatus = z.output<typeof healthStatus>;

export const healthLive = z.object({ status: z.literal('ok'), uptimeSeconds: z.number() });
export type HealthLive = z.output<typeof healthLive>;

export const healthReady = z.object({
  status: z.literal('ready'),
  database: z.enum(['embedded', 'postgresql']),
  seq,
  changeLogReadSecondsAgo: z.number(),
});
export type HealthReady = z.output<typeof healthReady>;

export const changed = z.object({ changed: count.describe('targets that changed') });

export const targetRows = exactly<TargetRow[]>()(z.array(z.object({
  unit: z.string(),
  target: z.int(),
  explicit: z.boolean().describe('set on this unit, not the sum of its children\'s'),
})));

export const targetVersions = exactly<TargetVersion[]>()(z.array(z.object({
  unit: z.string(),
  metric: z.string(),
  target: z.int().nullable().describe('null: from then on the sum of its children\'s targets'),
  validFrom: z.string(),
  reason: z.string(),
  author: z.string(),
})));

const unitRef = z.object({ code: z.string(), name: z.string() });

export const targetImportPreview = exactly<TargetImportPreview>()(z.object({
  importId: z.string(),
  metric: z.string(),
  matched: z.array(z.object({
    row: count, unit: z.string(), unitName: z.string(), target: z.int(), current: z.int().nullable(), by: z.enum(['code', 'name']),
  })),
  problems: z.array(z.object({ row: count, message: z.string(), candidates: z.array(unitRef).optional() })),
  missing: z.array(z.object({ unit: z.string(), unitName: z.string() })).describe('communes the file leaves without a target'),
  total: z.int(),
}));

export const catalogImportPreview = exactly<CatalogImportPreview>()(z.object({
  importId: z.string(),
  levels: z.array(z.object({ level: z.string(), count })),
  root: unitRef.nullable(),
  problems: z.array(z.object({ row: count, message: z.string() })),
  ok: z.boolean().describe('whether it can be confirmed'),
}));

export const unitsLoaded = z.object({ units: count });

const personRole = z.enum(['admin', 'leadership', 'chief', 'officer']);
const personInfo = exactly<PersonInfo>()(z.object({
  id: z.int(),
  login: z.string(),
  name: z.string(),
  role: personRole,
  scope: z.string(),
  disabled: z.boolean(),
  createdAt: z.string(),
}));
export const personList = z.array(personInfo);
export const personCreated = exactly<PersonCreated>()(personInfo.extend({
  oneTimePassword: z.string().nullable().describe('shown once, when no password was given or it was reset'),
}));

export const sessionInfo = exactly<SessionInfo>()(z.object({
  person: personInfo,
  expiresAt: z.string(),
  mustChangePassword: z.boolean().describe('an administrator set the password: nothing else is allowed until it is changed'),
}));

export const auditPage = exactly<AuditPage>()(z.object({
  entries: z.array(z.object({
    id: z.int(),
    at: z.string(),
    actor: z.object({ kind: z.enum(['person', 'key', 'system']), id: z.int().nullable(), name: z.string() }),
    action: z.string().meta({ example: 'target.revise' }),
    entity: z.string(),
    entityId: z.string().nullable(),
    unit: z.string().nullable(),
    campaign: z.string().nullable(),
    before: z.unknown(),
    after: z.unknown(),
    reason: z.string().nullable(),
  })),
  next: z.int().nullable().describe('pass as `before` for the next page; null at the end'),
}));

// ---- The office: daily sheets of counts, the progress table, the evening report, notes ----

const countKind = z.enum(['day', 'total']).describe('day: the day\'s count ("Trong ngày"); total: the total so far ("Lũy kế")');
const sheetProblem = z.object({
  row: z.string().nullable().describe('the row ("14", or "Thạch Hà!14" in a workbook of several sheets); null for a column or the file'),
  column: z.string().optional().describe('the column it is about: its letter and header'),
  message: z.string(),
  candidates: z.array(unitRef).optional().describe('the communes an ambiguous name fits'),
});

export const countImportPreview = exactly<CountImportPreview>()(z.object({
  importId: z.string(),
  fileName: z.string(),
  date: date.describe('the day the figures are for'),
  dateFrom: z.enum(['title', 'request']).describe('read from the sheet\'s title, or the request\'s `date`'),
  asOf: z.string().describe('ISO 8601: the end of the day, or the time of reading for today\'s sheet'),
  columns: z.array(z.object({ sheet: z.string(), column: z.string().meta({ example: 'E' }), header: z.string(), metric: z.string(), kind: countKind })),
  cells: z.array(z.object({
    row: z.string(), column: z.string(), unit: z.string(), unitName: z.string(), by: z.enum(['code', 'name']), metric: z.string(), kind: countKind,
    figure: count.describe('as the sheet gives it'),
    total: count.describe('the total it stands for at `asOf`'),
    current: z.int().describe('the value held at `asOf`'),
    delta: z.int().describe('what would be applied; negative: a correction'),
    status: z.enum(['change', 'unchanged', 'duplicate']).describe('duplicate: this very figure was imported before, nothing is applied again'),
    revises: z.int().nullable().describe('the total an earlier sheet of the same day gave, when this one differs'),
    implausible: z.string().nullable().describe('why the plausibility rule holds the amount, if it does'),
  })),
  problems: z.array(sheetProblem).describe('cells and rows left out, with their reasons'),
  warnings: z.array(sheetProblem).describe('not in the way of applying: a total row that does not add up, a day\'s count that disagrees with its total'),
  missing: z.array(z.object({ unit: z.string(), unitName: z.string() })).describe('communes of the districts the sheet covers that it has no row for'),
  summary: z.array(z.object({ metric: z.string(), changes: count, increase: count, decrease: count, unchanged: count, duplicates: count })),
  needsReason: z.boolean().describe('some figure lowers a value or revises an earlier sheet of the day'),
  needsConfirmation: z.boolean().describe('some amount is held by the plausibility rule'),
}));

export const countImportResult = exactly<CountImportResult>()(z.object({
  applied: count.describe('values changed'),
  unchanged: count,
  duplicates: count.describe('figures imported before: not applied again'),
  held: count.describe('figures held by the plausibility rule for a chief to decide (a commune officer\'s sheet)'),
  seq: seq.nullable(),
}).meta({ example: { applied: 63, unchanged: 3, duplicates: 0, held: 0, seq: 4790 } }));

const progressRow = exactly<ProgressRow>()(z.object({
  rank: count.describe('among its siblings; 0 for the scope\'s own line'),
  unit: z.string(),
  unitName: z.string(),
  name: z.string(),
  target: count,
  value: count,
  progress: z.number().nullable().describe('value / target rounded to 0.1%, never 1 before done'),
  remaining: count,
  today: z.int().describe('the day\'s gain'),
  pace: z.number().describe('mean daily gain over the 7 full days before'),
  needs: z.array(z.int().nullable()).describe('per day to make each of the metric\'s milestones (null once passed)'),
  finishedOn: date.nullable(),
  finishOrder: z.int().nullable(),
  projectedFinish: date.nullable(),
}));

const progressTable = exactly<ProgressTable>()(z.object({
  campaign: z.object({ id: z.string(), name: z.string() }),
  scope: unitRef,
  metric: z.object({ key: z.string(), name: z.string() }),
  date,
  live: z.boolean(),
  asOf: z.string(),
  milestones: z.array(z.object({ name: z.string(), date })),
  rows: z.array(progressRow),
  total: progressRow,
}));
export const progressTables = z.array(progressTable);

const noteInfo = exactly<NoteInfo>()(z.object({
  id: z.int(), campaign: z.string(), unit: z.string(), unitName: z.string(), from: date, to: date, text: z.string(), author: z.string(), createdAt: z.string(),
}));
export const note = noteInfo;
export const noteList = z.array(noteInfo);

export const eveningReport = exactly<EveningReport>()(z.object({
  campaign: z.object({ id: z.string(), name: z.string(), timeZone: z.string() }),
  scope: z.object({ code: z.string(), name: z.string(), level: z.string() }),
  date,
  live: z.boolean(),
  asOf: z.string(),
  childLevel: z.string().nullable(),
  metrics: z.array(z.object({ key: z.string(), name: z.string(), shortName: z.string(), table: progressTable })),
  milestones: z.array(z.object({
    name: z.string(), date, document: z.string().optional(), daysLeft: z.int(),
    metrics: z.array(z.object({ metric: z.string(), required: z.int().nullable(), daysAhead: z.int().nullable(), done: z.boolean() })),
  })),
  silent: z.array(z.object({ unit: z.string(), unitName: z.string(), parentName: z.string().nullable() })).describe('communes with no record that day, not done'),
  silentDone: count,
  communes: count,
  corrections: z.array(z.object({
    unit: z.string(), unitName: z.string(), metric: z.string(), delta: z.int(), occurredAt: z.string(), reason: z.string().nullable(), by: z.string(),
  })),
  notes: z.array(noteInfo),
}));
