/** Admins create and revoke keys for units within their own scope; both are audited. */
import { ForbiddenException, Injectable, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import type { KeyCreated, KeyInfo, KeyRevoked } from '@tiendo/shared';
import { keyRequestSchema } from '@tiendo/shared/schemas';
import { actorOf } from '../admin/actor.js';
import { Database } from '../database/database.js';
import { AuditRepository } from '../repositories/audit.repository.js';
import { KeyRepository } from '../repositories/key.repository.js';
import { AuthService, type Principal } from './auth.service.js';
import { parseBody } from './ingest.service.js';

@Injectable()
export class KeysService {
  constructor(
    private readonly db: Database,
    private readonly keys: KeyRepository,
    private readonly auth: AuthService,
    private readonly audit: AuditRepository,
  ) {}

  async list(admin: Principal): Promise<KeyInfo[]> {
    return (await this.keys.list(admin.scope)).map((k) => ({
      id: k.id, name: k.name, role: k.role, scope: k.scopeCode, createdAt: k.createdAt.toISOString(), revokedAt: k.revokedAt?.toISOString() ?? null,
    }));
  }

  async create(admin: Principal, body: unknown): Promise<KeyCreated> {
    const request = parseBody(keyRequestSchema, body);
    const within = await this.keys.isWithin(request.scope, admin.scope);
    if (within === null) throw new UnprocessableEntityException(`scope: "${request.scope}" is not a known unit`);
    if (!within) throw new ForbiddenException(`scope: you may only manage keys for unit ${admin.scope} and below`);
    const { key, token } = await this.db.em().transactional(async (em) => {
      const created = await this.keys.create(request.name, request.role, request.scope, em);
      await this.audit.record(em, actorOf(admin), [{
        action: 'key.create', entity: 'key', entityId: String(created.key.id), unit: request.scope, after: { name: request.name, role: request.role, scope: request.scope },
      }]);
      return created;
    });
    return { id: key.id, name: key.name, role: key.role, scope: key.scopeCode, key: token };
  }

  /**
   * Revoking twice is harmless. The key stops working here at once and on other server
   * instances as soon as they hear of it from the database; its open sockets are ended.
   */
  async revoke(admin: Principal, keyId: number): Promise<KeyRevoked> {
    const key = await this.keys.find(keyId);
    if (!key) throw new NotFoundException(`id: no key ${keyId}`);
    if (!(await this.keys.isWithin(key.scopeCode, admin.scope))) {
      throw new ForbiddenException(`id: key ${keyId} belongs to unit ${key.scopeCode}, outside your unit ${admin.scope}`);
    }
    const revokedAt = await this.db.em().transactional(async (em) => {
      const at = await this.keys.revoke(keyId, em);
      await this.audit.record(em, actorOf(admin), [{
        action: 'key.revoke', entity: 'key', entityId: String(keyId), unit: key.scopeCode, before: { name: key.name, role: key.role, scope: key.scopeCode },
      }]);
      return at;
    });
    this.auth.revoked(keyId);
    return { id: keyId, revokedAt: revokedAt.toISOString() };
  }
}
