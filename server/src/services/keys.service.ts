/** Admins create and revoke keys for units within their own scope. */
import { ForbiddenException, Injectable, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import type { KeyCreated, KeyInfo, KeyRevoked } from '@tiendo/shared';
import { keyRequestSchema } from '@tiendo/shared/schemas';
import { KeyRepository } from '../repositories/key.repository.js';
import { AuthService, type Principal } from './auth.service.js';
import { parseBody } from './ingest.service.js';

@Injectable()
export class KeysService {
  constructor(
    private readonly keys: KeyRepository,
    private readonly auth: AuthService,
  ) {}

  async list(admin: Principal): Promise<KeyInfo[]> {
    this.auth.requireRole(admin, 'admin');
    return (await this.keys.list(admin.scope)).map((k) => ({
      id: k.id, name: k.name, role: k.role, scope: k.scopeCode, createdAt: k.createdAt.toISOString(), revokedAt: k.revokedAt?.toISOString() ?? null,
    }));
  }

  async create(admin: Principal, body: unknown): Promise<KeyCreated> {
    this.auth.requireRole(admin, 'admin');
    const request = parseBody(keyRequestSchema, body);
    const within = await this.keys.isWithin(request.scope, admin.scope);
    if (within === null) throw new UnprocessableEntityException(`scope: "${request.scope}" is not a known unit`);
    if (!within) throw new ForbiddenException(`scope: this key may only manage keys for unit ${admin.scope} and below`);
    const { key, token } = await this.keys.create(request.name, request.role, request.scope);
    return { id: key.id, name: key.name, role: key.role, scope: key.scopeCode, key: token };
  }

  /**
   * Revoking twice is harmless. The key stops working here at once and on other server
   * instances as soon as they hear of it from the database; its open sockets are ended.
   */
  async revoke(admin: Principal, keyId: number): Promise<KeyRevoked> {
    this.auth.requireRole(admin, 'admin');
    const key = await this.keys.find(keyId);
    if (!key) throw new NotFoundException(`id: no key ${keyId}`);
    if (!(await this.keys.isWithin(key.scopeCode, admin.scope))) {
      throw new ForbiddenException(`id: key ${keyId} belongs to unit ${key.scopeCode}, outside this key's unit ${admin.scope}`);
    }
    const revokedAt = await this.keys.revoke(keyId);
    this.auth.revoked(keyId);
    return { id: keyId, revokedAt: revokedAt.toISOString() };
  }
}
