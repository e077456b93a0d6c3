import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from './database.js';
import { testDatabase, type TestDatabase } from '../testing/database.js';

describe('Database', () => {
  let test: TestDatabase;
  let db: Database;
  beforeAll(async () => {
    test = await testDatabase();
    db = test.db;
  });
  afterAll(() => test?.close());

  it('has the schema after migrating', async () => {
    const rows = await db.em().execute<{ seq: string }[]>('select seq from log_head');
    expect(Number(rows[0].seq)).toBeGreaterThanOrEqual(0);
  });

  it('notifies listeners when a transaction commits', async () => {
    let calls = 0;
    const stop = await db.listen(() => calls++);
    const before = calls;
    await db.em().transactional(async (em) => {
      await em.execute(`select pg_notify('tiendo_change', '1')`);
    });
    await expect.poll(() => calls, { timeout: 5000 }).toBeGreaterThan(before);
    await stop();
  });
});
