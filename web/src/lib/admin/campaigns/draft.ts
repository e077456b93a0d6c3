/**
 * A campaign as its form holds it: every field a string, empty for "not set", so that inputs
 * bind directly; and the request it becomes. An edited metric keeps what the form does not show
 * (its plausibility rule), since a PATCH replaces the whole list.
 */
import type { CampaignCreate, CampaignInfo, CampaignPatch, MetricInfo } from '@tiendo/shared';

export interface MetricDraft {
  key: string;
  name: string;
  shortName: string;
  startDate: string;
  activationOf: string;
  /** The metric as stored, for an edit; null for a new one (its key may still change). */
  stored: MetricInfo | null;
}

export interface MilestoneDraft {
  name: string;
  date: string;
  metrics: string[];
  document: string;
}

export interface CampaignDraft {
  id: string;
  name: string;
  timeZone: string;
  startDate: string;
  rootUnit: string | null;
  metrics: MetricDraft[];
  milestones: MilestoneDraft[];
}

export function emptyMetric(): MetricDraft {
  return { key: '', name: '', shortName: '', startDate: '', activationOf: '', stored: null };
}

export function emptyMilestone(metrics: string[] = []): MilestoneDraft {
  return { name: '', date: '', metrics, document: '' };
}

export function newDraft(rootUnit: string | null): CampaignDraft {
  return { id: '', name: '', timeZone: 'Asia/Ho_Chi_Minh', startDate: '', rootUnit, metrics: [emptyMetric()], milestones: [] };
}

export function draftOf(campaign: CampaignInfo): CampaignDraft {
  return {
    id: campaign.id,
    name: campaign.name,
    timeZone: campaign.timeZone,
    startDate: campaign.startDate,
    rootUnit: campaign.rootUnit,
    metrics: campaign.metrics.map((m) => ({
      key: m.key, name: m.name, shortName: m.shortName ?? '', startDate: m.startDate ?? '', activationOf: m.activationOf ?? '', stored: m,
    })),
    milestones: campaign.milestones.map((m) => ({ name: m.name, date: m.date, metrics: [...m.metrics], document: m.document ?? '' })),
  };
}

const optional = (text: string) => (text.trim() === '' ? undefined : text.trim());

function metricsOf(draft: CampaignDraft): CampaignCreate['metrics'] {
  return draft.metrics.map((m) => ({
    ...(m.stored?.plausibility ? { plausibility: m.stored.plausibility } : {}),
    key: m.key.trim(),
    name: m.name,
    shortName: optional(m.shortName),
    startDate: optional(m.startDate),
    activationOf: optional(m.activationOf),
  }));
}

function milestonesOf(draft: CampaignDraft): CampaignCreate['milestones'] {
  return draft.milestones.map((m) => ({ name: m.name, date: m.date, metrics: m.metrics, document: optional(m.document) }));
}

export function createRequest(draft: CampaignDraft): CampaignCreate {
  return {
    id: draft.id.trim(),
    name: draft.name,
    timeZone: draft.timeZone.trim(),
    startDate: draft.startDate,
    rootUnit: draft.rootUnit ?? '',
    metrics: metricsOf(draft),
    milestones: milestonesOf(draft),
  };
}

export function patchRequest(draft: CampaignDraft): CampaignPatch {
  return { name: draft.name, timeZone: draft.timeZone.trim(), startDate: draft.startDate, metrics: metricsOf(draft), milestones: milestonesOf(draft) };
}

/** A key from a name: "ĐDĐT mức 2 · kích hoạt" -> "dddt_muc_2_kich_hoat". */
export function keyFrom(name: string, separator = '_'): string {
  const plain = name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, separator)
    .replace(new RegExp(`^[${separator}0-9]+|${separator}+$`, 'g'), '');
  return plain.slice(0, 40).replace(new RegExp(`${separator}+$`), '');
}

/** A metric key renamed in the form: the milestones and activation pairs that named it follow. */
export function renameMetric(draft: CampaignDraft, from: string, to: string): void {
  if (!from || from === to) return;
  for (const m of draft.metrics) if (m.activationOf === from) m.activationOf = to;
  for (const ms of draft.milestones) ms.metrics = ms.metrics.map((k) => (k === from ? to : k));
}

/** A metric removed: nothing may point at it any more. */
export function removeMetric(draft: CampaignDraft, index: number): void {
  const [gone] = draft.metrics.splice(index, 1);
  if (!gone?.key) return;
  for (const m of draft.metrics) if (m.activationOf === gone.key) m.activationOf = '';
  for (const ms of draft.milestones) ms.metrics = ms.metrics.filter((k) => k !== gone.key);
}
