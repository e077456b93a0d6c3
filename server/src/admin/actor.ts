import type { Actor } from '../repositories/audit.repository.js';
import type { Principal } from '../services/auth.service.js';

/** Who the audit trail names for a request: the person signed in, or the key. */
export function actorOf(principal: Principal): Actor {
  if (principal.personId) return { kind: 'person', id: principal.personId, name: principal.name };
  if (principal.keyId) return { kind: 'key', id: principal.keyId, name: `khóa: ${principal.name}` };
  return { kind: 'system', id: null, name: principal.name };
}
