/** The state of one milestone's countdown, for a unit that may already have finished. */
import { DAY_MS, daysAhead, endOfLocalDay, localDate } from '@tiendo/shared';

export type CountdownState =
  | { kind: 'running'; days: number; hours: number; minutes: number; seconds: number }
  /** `daysEarly` is negative when the unit finished after the milestone. */
  | { kind: 'done'; daysEarly: number }
  | { kind: 'overdue'; days: number };

export function countdown(milestoneDate: string, timeZone: string, now: number, completedAt: number | null): CountdownState {
  if (completedAt !== null) {
    return { kind: 'done', daysEarly: daysAhead(milestoneDate, localDate(completedAt, timeZone)) ?? 0 };
  }
  const left = endOfLocalDay(milestoneDate, timeZone) - now;
  if (left <= 0) return { kind: 'overdue', days: Math.floor(-left / DAY_MS) };
  const totalSeconds = Math.floor(left / 1000);
  return {
    kind: 'running',
    days: Math.floor(totalSeconds / 86_400),
    hours: Math.floor((totalSeconds % 86_400) / 3600),
    minutes: Math.floor((totalSeconds % 3600) / 60),
    seconds: totalSeconds % 60,
  };
}
