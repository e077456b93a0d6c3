/** Times and names on the field pages, in the campaign's time zone. */
import type { CampaignInfo } from '@tiendo/shared';

const formats = new Map<string, Intl.DateTimeFormat>();

function format(timeZone: string, withDate: boolean): Intl.DateTimeFormat {
  const name = `${timeZone}|${withDate}`;
  let f = formats.get(name);
  if (!f) {
    f = new Intl.DateTimeFormat('vi-VN', {
      timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23', ...(withDate ? { day: '2-digit', month: '2-digit' } : {}),
    });
    formats.set(name, f);
  }
  return f;
}

/** "09:41", or "09:41 23/04" when not today. */
export function timeText(instant: string | number, timeZone: string, now: number): string {
  const day = (t: number) => new Intl.DateTimeFormat('en-CA', { timeZone }).format(t);
  const t = typeof instant === 'number' ? instant : Date.parse(instant);
  return format(timeZone, day(t) !== day(now)).format(t);
}

/** "2 giờ 15 phút", "40 phút", "3 ngày", "dưới 1 phút". */
export function durationText(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  if (minutes < 1) return 'dưới 1 phút';
  if (minutes < 60) return `${minutes} phút`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 ? `${hours} giờ ${minutes % 60} phút` : `${hours} giờ`;
  return `${Math.floor(hours / 24)} ngày`;
}

export function metricName(campaign: CampaignInfo | null, key: string, short = false): string {
  const m = campaign?.metrics.find((x) => x.key === key);
  return (short ? m?.shortName : undefined) ?? m?.name ?? key;
}

/** The value of a datetime-local field for an instant, in the device's own time. */
export function localInput(instant: number): string {
  const d = new Date(instant);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
