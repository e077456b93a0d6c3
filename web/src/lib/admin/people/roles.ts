/** Which roles and scopes a viewer may give (a chief makes officers of its own communes only). */
import type { PersonRole, UnitInfo } from '@tiendo/shared';
import { catalog } from '../units.svelte';

export const ROLES: readonly PersonRole[] = ['admin', 'leadership', 'chief', 'officer'];

export function rolesGivenBy(role: PersonRole | null): readonly PersonRole[] {
  return role === 'admin' ? ROLES : role === 'chief' ? ['officer'] : [];
}

/** An officer reports for one commune; other roles watch a unit and all below it. */
export function scopeFits(role: PersonRole, viewerScope: string | null): (unit: UnitInfo) => boolean {
  return (unit) => (role !== 'officer' || unit.level === 'commune') && (viewerScope === null || catalog.within(unit.code, viewerScope));
}
