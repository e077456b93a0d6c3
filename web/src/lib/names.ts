/**
 * Short forms for tight places, so that nothing on a wall is cut with an ellipsis: unit types
 * abbreviated as officials write them ("TX. Hồng Lĩnh"), and a short name per metric ("CCCD",
 * "ĐDĐT thu nhận") that still tells each metric of the campaign apart.
 */
import type { Locale, MetricInfo, UnitInfo } from '@tiendo/shared';

/** Read from the full name, which says the type in words whatever code the catalog uses for it. */
const TYPES: readonly { words: string; short: string; usual?: true }[] = [
  { words: 'Thành phố ', short: 'TP.' },
  { words: 'Thị xã ', short: 'TX.' },
  { words: 'Quận ', short: 'Q.' },
  { words: 'Huyện ', short: 'H.', usual: true },
  { words: 'Thị trấn ', short: 'TT.' },
  { words: 'Phường ', short: 'P.' },
  { words: 'Xã ', short: 'X.', usual: true },
];

/**
 * "TX. Kỳ Anh" beside "Kỳ Anh": the usual type of its level (Huyện, Xã) goes without saying in a
 * list of siblings, unless `withType` asks for it ("H. Kỳ Anh").
 */
export function shortName(unit: Pick<UnitInfo, 'name' | 'fullName'>, withType = false): string {
  const type = TYPES.find((t) => unit.fullName.startsWith(t.words));
  return type && (withType || !type.usual) ? `${type.short} ${unit.name}` : unit.name;
}

/** A metric as the server describes it; `shortName` is the server's own short form, when it gives one. */
type Metric = Pick<MetricInfo, 'key' | 'name'> & { shortName?: string };

const SUBJECTS = [
  { test: /cccd|căn cước|chip/i, vi: 'CCCD', en: 'Chip ID' },
  { test: /eid|định danh/i, vi: 'ĐDĐT', en: 'eID' },
];
const ACTIONS = [
  { test: /activation|kích hoạt/i, vi: 'kích hoạt', en: 'activation' },
  { test: /intake|thu nhận/i, vi: 'thu nhận', en: 'intake' },
];

/**
 * Short names of a campaign's metrics, by key: the subject alone when it has one metric
 * ("CCCD"), with the step when it has several ("ĐDĐT thu nhận", "ĐDĐT kích hoạt"); a metric
 * of no known kind keeps its name.
 */
export function metricShortNames(metrics: readonly Metric[], locale: Locale = 'vi-VN'): Map<string, string> {
  const lang = locale === 'vi-VN' ? 'vi' : 'en';
  const read = metrics.map((m) => {
    const text = `${m.key} ${m.name}`;
    return {
      metric: m,
      subject: SUBJECTS.find((s) => s.test.test(text)),
      action: ACTIONS.find((a) => a.test.test(text)),
    };
  });
  return new Map(
    read.map(({ metric, subject, action }) => {
      if (metric.shortName) return [metric.key, metric.shortName];
      if (!subject) return [metric.key, metric.name];
      const shared = read.filter((r) => r.subject === subject).length > 1;
      return [metric.key, shared && action ? `${subject[lang]} ${action[lang]}` : subject[lang]];
    }),
  );
}

const PHRASES: readonly [RegExp, string][] = [
  [/định danh điện tử/giu, 'ĐDĐT'],
  [/căn cước công dân/giu, 'CCCD'],
];

/** A unit named at the end of a campaign's name: "… — tỉnh Hà Tĩnh". */
const TRAILING_UNIT = /\s+[—–-]\s+(tỉnh|thành phố|quận|huyện|thị xã|thị trấn|phường|xã)\s[^—–-]+$/iu;

/**
 * A campaign's name for a screen's header: without the unit it names at its end, which the
 * heading and the link above it say anyway, and with the long phrases every officer abbreviates.
 */
export function campaignTitle(name: string): string {
  return PHRASES.reduce((text, [phrase, short]) => text.replace(phrase, short), name.replace(TRAILING_UNIT, ''));
}
