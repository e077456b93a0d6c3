import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.js';
import { ApiKey, type KeyRole } from '../entities/index.js';

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

@Injectable()
export class KeyRepository {
  constructor(private readonly db: Database) {}

  /** Creates a key and returns its secret, which is shown once and never stored. */
  async create(name: string, role: KeyRole, scopeCode: string): Promise<{ key: ApiKey; token: string }> {
    const token = `td_${role}_${randomBytes(24).toString('base64url')}`;
    const em = this.db.em();
    const key = new ApiKey(name, role, scopeCode, hashToken(token));
    await em.persistAndFlush(key);
    return { key, token };
  }

  async findActive(token: string): Promise<ApiKey | null> {
    return this.db.em().findOne(ApiKey, { tokenHash: hashToken(token), revokedAt: null });
  }
}
