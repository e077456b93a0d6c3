/** The audit trail is append-only in the database itself, whoever asks: rows go in, never change or go. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase, type TestDatabase } from '../testing/database.js';
import { AuditRepository } from './audit.repository.js';

let t: TestDatabase;
let audit: AuditRepository;

beforeAll(async () => {
  t = await testDatabase();
  audit = new AuditRepository(t.db);
  await t.db.em().transactional((em) => audit.record(em, { kind: 'person', id: 1, name: 'Nguyễn Văn A' }, [
    { action: 'target.set', entity: 'target', entityId: 'cccd:18586', unit: '18586', before: { target: 5000 }, after: { target: 5100 }, reason: 'Rà soát' },
    { action: 'key.revoke', entity: 'key', entityId: '8', unit: '42' },
  ]));
});
afterAll(() => t?.close());

describe('the audit trail', () => {
  it('keeps what was written, newest first, filtered by unit and kind', async () => {
    const entries = await audit.list({ limit: 10 });
    expect(entries.map((e) => e.action)).toEqual(['key.revoke', 'target.set']);
    expect(entries[1]).toMatchObject({ actor: { kind: 'person', id: 1, name: 'Nguyễn Văn A' }, unit: '18586', before: { target: 5000 }, after: { target: 5100 }, reason: 'Rà soát' });
    expect((await audit.list({ units: ['18586'], limit: 10 })).map((e) => e.action)).toEqual(['target.set']);
    expect((await audit.list({ kind: 'key', limit: 10 })).map((e) => e.action)).toEqual(['key.revoke']);
    expect(await audit.list({ kind: 'ke', limit: 10 })).toEqual([]);
  });

  it.each([
    ['update', "update audit set reason = 'sửa lại'"],
    ['delete', 'delete from audit'],
    ['truncate', 'truncate audit'],
  ])('refuses to %s it', async (_, sql) => {
    await expect(t.db.em().execute(sql)).rejects.toThrow(/the audit trail is append-only/);
    expect(await audit.list({ limit: 10 })).toHaveLength(2);
  });
});
