/**
 * Start and end instants of local dates, remembered. The shared conversion builds a time-zone
 * formatter on every call (milliseconds each); the screens ask for the same few dates on every
 * change message and every tick of the clock.
 */
import { endOfLocalDay, startOfLocalDay } from '@tiendo/shared';

const starts = new Map<string, number>();
const ends = new Map<string, number>();

export function dayStart(date: string, timeZone: string): number {
  const key = `${date}|${timeZone}`;
  let instant = starts.get(key);
  if (instant === undefined) starts.set(key, (instant = startOfLocalDay(date, timeZone)));
  return instant;
}

export function dayEnd(date: string, timeZone: string): number {
  const key = `${date}|${timeZone}`;
  let instant = ends.get(key);
  if (instant === undefined) ends.set(key, (instant = endOfLocalDay(date, timeZone)));
  return instant;
}
