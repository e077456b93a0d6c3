/** Kiosk mode helpers: the rotation through views and the burn-in shift. */
import type { UnitInfo } from '@tiendo/shared';

/** The province first, then each of its districts in catalog order. */
export function kioskViews(units: readonly UnitInfo[], rootCode: string): string[] {
  return ['/', ...units.filter((u) => u.parent === rootCode).map((u) => `/district/${u.code}`)];
}

/** A small loop of offsets (in px) around the origin, one step every few minutes. */
const OFFSETS: readonly { x: number; y: number }[] = [
  { x: 0, y: 0 }, { x: 2, y: 0 }, { x: 2, y: 2 }, { x: 0, y: 2 },
  { x: -2, y: 2 }, { x: -2, y: 0 }, { x: -2, y: -2 }, { x: 0, y: -2 }, { x: 2, y: -2 },
];

export function pixelShift(step: number): { x: number; y: number } {
  return OFFSETS[step % OFFSETS.length];
}
