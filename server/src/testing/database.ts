/**
 * A migrated database for tests: PostgreSQL when DATABASE_URL is set (a fresh database per
 * call, dropped on close, so tests never see each other's rows), otherwise in-memory PGlite.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { Database } from '../database/database.js';

async function admin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** A new, empty PostgreSQL database, or null when tests run on the embedded database only. */
export async function createTestDatabaseUrl(): Promise<string | null> {
  if (!process.env.DATABASE_URL) return null;
  const name = `tiendo_test_${randomBytes(4).toString('hex')}`;
  await admin((c) => c.query(`create database ${name}`));
  const url = new URL(process.env.DATABASE_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function dropTestDatabase(url: string | null): Promise<void> {
  if (!url) return;
  const name = new URL(url).pathname.slice(1);
  await admin((c) => c.query(`drop database if exists ${name} with (force)`));
}

export interface TestDatabase {
  db: Database;
  close(): Promise<void>;
}

export async function testDatabase(): Promise<TestDatabase> {
  const url = await createTestDatabaseUrl();
  const db = await Database.open({ databaseUrl: url, dataDir: null });
  await db.migrate();
  return { db, close: async () => { await db.close(); await dropTestDatabase(url); } };
}
