import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Database, KEY_CHANNEL } from '../database/database.js';
import { ApiKey, type KeyRole } from '../entities/index.js';

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

@Injectable()
export class KeyRepository {
  constructor(private readonly db: Database) {}

  /** Creates a key and returns its secret, which is shown once and never stored. */
  async create(name: string, role: KeyRole, scopeCode: string, em: EntityManager = this.db.em()): Promise<{ key: ApiKey; token: string }> {
    const token = `td_${role}_${randomBytes(24).toString('base64url')}`;
    const key = new ApiKey(name, role, scopeCode, hashToken(token));
    await em.persistAndFlush(key);
    return { key, token };
  }

  async findActive(token: string): Promise<ApiKey | null> {
    return this.db.em().findOne(ApiKey, { tokenHash: hashToken(token), revokedAt: null });
  }

  /** The keys of `scope` and every unit below it, oldest first. */
  async list(scope: string): Promise<ApiKey[]> {
    const rows = await this.db.em().execute<{ id: number }[]>(
      `with recursive down as (select code from unit where code = ?
         union all select u.code from unit u join down on u.parent_code = down.code)
       select k.id from api_key k join down on down.code = k.scope_code`,
      [scope],
    );
    return this.db.em().find(ApiKey, { id: { $in: rows.map((r) => r.id) } }, { orderBy: { id: 'asc' } });
  }

  async find(id: number): Promise<ApiKey | null> {
    return this.db.em().findOne(ApiKey, { id });
  }

  /**
   * Sets the revocation time once and returns it. The same statement announces it to every
   * server instance, when it commits.
   */
  async revoke(id: number, em: EntityManager = this.db.em()): Promise<Date> {
    const [row] = await em.execute<{ revoked_at: string }[]>(
      `with revoked as (update api_key set revoked_at = coalesce(revoked_at, now()) where id = ? returning id, revoked_at)
       select revoked_at, pg_notify('${KEY_CHANNEL}', id::text) from revoked`, [id]);
    return new Date(row.revoked_at);
  }

  /** Calls the listener with each revoked key's id, and with null when some may have been missed. */
  onRevoked(listener: (keyId: number | null) => void): Promise<() => Promise<void>> {
    return this.db.listen((payload) => {
      const id = payload === undefined ? NaN : Number(payload);
      listener(Number.isSafeInteger(id) ? id : null);
    }, KEY_CHANNEL);
  }

  /** Whether `unit` is `scope` or below it; null for an unknown unit. */
  async isWithin(unit: string, scope: string): Promise<boolean | null> {
    const [row] = await this.db.em().execute<{ within: boolean }[]>(
      `with recursive up as (select code, parent_code from unit where code = ?
         union all select u.code, u.parent_code from unit u join up on u.code = up.parent_code)
       select bool_or(code = ?) as within from up having count(*) > 0`,
      [unit, scope],
    );
    return row ? row.within : null;
  }
}
