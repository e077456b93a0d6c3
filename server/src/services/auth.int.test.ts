/**
 * Key lookups on a real database: one query per key however many requests wait for it, failed
 * attempts limited per address without slowing a valid key, and a revocation heard through
 * the database by another instance's service.
 */
import { HttpException } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionsService } from '../admin/sessions.service.js';
import { AuditRepository } from '../repositories/audit.repository.js';
import { KeyRepository } from '../repositories/key.repository.js';
import { PeopleRepository } from '../repositories/people.repository.js';
import { UnitsRepository } from '../repositories/units.repository.js';
import { testDatabase, type TestDatabase } from '../testing/database.js';
import { AuthService } from './auth.service.js';
import { SeedService } from './seed.service.js';

const sessions = () => new SessionsService(t.db, new PeopleRepository(t.db), new AuditRepository(t.db));

/** The real repository, counting the lookups that reach the database. */
class CountedKeys extends KeyRepository {
  lookups = 0;

  override findActive(token: string) {
    this.lookups++;
    return super.findActive(token);
  }
}

const LIMIT = 5;
let t: TestDatabase;
let keys: CountedKeys;
let auth: AuthService;

beforeAll(async () => {
  t = await testDatabase();
  keys = new CountedKeys(t.db);
  await new SeedService(t.db, keys, new UnitsRepository(t.db)).importCatalog('42');
  auth = new AuthService(keys, sessions(), { publicDisplay: false, authFailureLimit: LIMIT });
  await auth.onModuleInit();
});

afterAll(async () => {
  await auth?.onModuleDestroy();
  await t?.close();
});

const statusOf = (promise: Promise<unknown>) =>
  promise.then(() => 200, (error: unknown) => (error instanceof HttpException ? error.getStatus() : 500));

describe('key lookups', () => {
  it('asks the database once for 300 concurrent requests with the same new key', async () => {
    const { token } = await keys.create('Màn hình phòng họp', 'display', '42');
    const before = keys.lookups;
    const principals = await Promise.all(Array.from({ length: 300 }, (_, i) => auth.identify(token, `10.0.0.${i % 250}`)));
    expect(new Set(principals.map((p) => p.keyId)).size).toBe(1);
    expect(keys.lookups - before).toBe(1);
  });

  it('answers 429 past the limit of failures from one address, and keeps a valid key working there', async () => {
    const { token } = await keys.create('Hệ thống xã', 'ingest', '18586');
    await auth.identify(token, '192.0.2.1');
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT + 10; i++) {
      statuses.push(await statusOf(auth.identify(`td_ingest_made_up_${i}`, '192.0.2.1')));
      expect((await auth.identify(token, '192.0.2.1')).scope).toBe('18586');
    }
    expect(statuses).toEqual([...Array(LIMIT).fill(401), ...Array(10).fill(429)]);
    // Another address is not held back by this one's failures.
    expect(await statusOf(auth.identify('td_ingest_made_up_elsewhere', '192.0.2.2'))).toBe(401);
  });

  it('stops asking the database for unknown keys from a limited address', async () => {
    for (let i = 0; i < LIMIT; i++) await statusOf(auth.identify(`td_flood_${i}`, '192.0.2.3'));
    const before = keys.lookups;
    const statuses = await Promise.all(Array.from({ length: 200 }, (_, i) => statusOf(auth.identify(`td_flood_more_${i}`, '192.0.2.3'))));
    expect(new Set(statuses)).toEqual(new Set([429]));
    expect(keys.lookups - before).toBe(0);
  });

  it('keeps known keys cached while a flood of unknown keys fills the other cache', async () => {
    const { token } = await keys.create('Màn hình huyện', 'display', '445');
    await auth.identify(token, '192.0.2.4');
    // Unknown keys from many addresses, each under its limit: more than the cache holds.
    for (let i = 0; i < 10_400; i += 400) {
      await Promise.all(Array.from({ length: 400 }, (_, j) => statusOf(auth.identify(`td_unknown_${i + j}`, `198.51.${(i + j) % 200}.${j % 250}`))));
    }
    const before = keys.lookups;
    expect((await auth.identify(token, '192.0.2.4')).scope).toBe('445');
    expect(keys.lookups - before).toBe(0);
  });

  it('hears a revocation made by another instance through the database', async () => {
    const other = new AuthService(new KeyRepository(t.db), sessions(), { publicDisplay: false, authFailureLimit: LIMIT });
    const { key, token } = await keys.create('Điện thoại bị mất', 'ingest', '18586');
    await auth.identify(token, '192.0.2.5');
    const heard = new Promise<number | null>((resolve) => auth.onRevoked(resolve));
    await new KeyRepository(t.db).revoke(key.id);
    expect(await heard).toBe(key.id);
    expect(await statusOf(auth.identify(token, '192.0.2.5'))).toBe(401);
    expect(await other.verify(token)).toBeNull();
  });
});
