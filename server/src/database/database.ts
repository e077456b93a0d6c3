/**
 * The database: PostgreSQL when DATABASE_URL is set, otherwise PGlite in-process, persisted in
 * the data directory. The same migrations and the same SQL run on both.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { MikroORM, type Options } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { PostgreSqlDriver, type EntityManager, type Knex } from '@mikro-orm/postgresql';
import { PGliteDriver, type PGliteConnectionConfig } from 'mikro-orm-pglite';
import pg from 'pg';
import { ConfigError } from '../config/env.js';
import { entities } from '../entities/index.js';
import { Migration20261127000000 } from '../migrations/Migration20261127000000.js';
import { Migration20261128000000 } from '../migrations/Migration20261128000000.js';
import { Migration20261130000000 } from '../migrations/Migration20261130000000.js';
import { Migration20261130030000 } from '../migrations/Migration20261130030000.js';
import { Migration20261130040000 } from '../migrations/Migration20261130040000.js';
import { Migration20261130050000 } from '../migrations/Migration20261130050000.js';
import { Migration20261201000000 } from '../migrations/Migration20261201000000.js';
import { Migration20261201010000 } from '../migrations/Migration20261201010000.js';

export const CHANGE_CHANNEL = 'tiendo_change';
/** Carries the id of a revoked key, so that every instance drops it at once. */
export const KEY_CHANNEL = 'tiendo_key_revoked';

/** How long a request waits for a connection before the server answers 503. */
const ACQUIRE_TIMEOUT_MS = 5000;
const POOL_MAX = 10;

/** The connection pool of PostgreSQL, as knex's pool shows it. */
export interface PoolState {
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
  numPendingCreates(): number;
  max: number;
}

/**
 * Runs SQL with bound parameters (`?`), in the unit of work's transaction when it has one.
 * The values travel apart from the statement: nothing is escaped into the SQL text, however
 * large the JSON of a batch.
 */
export async function query<T = Record<string, unknown>>(em: EntityManager, sql: string, params: unknown[] = []): Promise<T[]> {
  const knex = em.getTransactionContext<Knex.Transaction>() ?? em.getKnex();
  const result = await knex.raw(sql, params as Knex.RawBinding[]);
  return (result as { rows: T[] }).rows;
}

const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '53300']);

/** The database could not be reached, or could not take the request (no connection to be had). */
export function isDatabaseUnavailable(error: unknown): boolean {
  const e = error as { code?: string; message?: string } | null;
  if (!e) return false;
  if (e.code && (UNAVAILABLE_CODES.has(e.code) || e.code.startsWith('08'))) return true;
  return /Timeout acquiring a connection|Connection terminated|connect ECONNREFUSED|Client has encountered a connection error/i.test(e.message ?? '');
}

/** Called with a notification's payload, or with none after a reconnection (anything may have been missed). */
type Listener = (payload?: string) => void;

export interface DatabaseOptions {
  databaseUrl: string | null;
  /** Directory of the embedded database; null keeps it in memory (tests). */
  dataDir: string | null;
  debug?: boolean;
  /** Connections to PostgreSQL, and how long a request waits for one (tests make them small). */
  pool?: { max: number; acquireTimeoutMs: number };
}

export class Database {
  private constructor(
    readonly orm: MikroORM,
    readonly embedded: boolean,
    private readonly startListening: (channel: string, listener: Listener) => Promise<() => Promise<void>>,
    private readonly closeExtra: () => Promise<void>,
  ) {}

  static async open(options: DatabaseOptions): Promise<Database> {
    const common: Options = {
      entities,
      debug: options.debug ?? false,
      allowGlobalContext: false,
      migrations: {
        migrationsList: [
          { name: 'Migration20261127000000', class: Migration20261127000000 },
          { name: 'Migration20261128000000', class: Migration20261128000000 },
          { name: 'Migration20261130000000', class: Migration20261130000000 },
          { name: 'Migration20261130030000', class: Migration20261130030000 },
          { name: 'Migration20261130040000', class: Migration20261130040000 },
          { name: 'Migration20261130050000', class: Migration20261130050000 },
          { name: 'Migration20261201000000', class: Migration20261201000000 },
          { name: 'Migration20261201010000', class: Migration20261201010000 },
        ],
        transactional: true,
        silent: true,
        snapshot: false,
      },
      extensions: [Migrator],
      discovery: { disableDynamicFileAccess: true },
    };
    if (options.databaseUrl) {
      const orm = await MikroORM.init({
        ...common,
        driver: PostgreSqlDriver,
        clientUrl: options.databaseUrl,
        pool: {
          min: 0, max: options.pool?.max ?? POOL_MAX, acquireTimeoutMillis: options.pool?.acquireTimeoutMs ?? ACQUIRE_TIMEOUT_MS, idleTimeoutMillis: 10_000,
        },
        driverOptions: { connection: { connectionTimeoutMillis: ACQUIRE_TIMEOUT_MS, statement_timeout: 30_000 } },
      });
      return new Database(orm, false, (channel, listener) => listenOnPostgres(options.databaseUrl!, channel, listener), async () => {});
    }
    const unlock = options.dataDir ? lockDataDir(options.dataDir) : () => {};
    const pglite = new PGlite(options.dataDir ? join(options.dataDir, 'pglite') : undefined);
    await pglite.waitReady;
    const orm = await MikroORM.init({
      ...common,
      driver: PGliteDriver,
      dbName: 'postgres',
      driverOptions: { connection: { pglite: () => pglite } satisfies PGliteConnectionConfig },
    });
    const listen = async (channel: string, listener: Listener) => pglite.listen(channel, (payload) => listener(payload));
    return new Database(orm, true, listen, async () => {
      await pglite.close();
      unlock();
    });
  }

  /** A fresh unit of work: every use case forks its own. */
  em(): EntityManager {
    return this.orm.em.fork() as EntityManager;
  }

  /** The pool of connections (on the embedded database, of its one connection). */
  pool(): PoolState | null {
    const connection = this.orm.em.getConnection() as unknown as { getKnex?: () => { client?: { pool?: PoolState } } };
    const pool = connection.getKnex?.().client?.pool;
    return pool && typeof pool.numUsed === 'function' ? pool : null;
  }

  /**
   * The wait for a connection ran out while none was being opened: every connection was in
   * use, the database answers, this server has more work at once than connections. Busy, not
   * unreachable (a database that does not answer leaves connections being opened, or refuses
   * them outright).
   */
  exhausted(error: unknown): boolean {
    const pool = this.pool();
    return !!pool && /Timeout acquiring a connection/i.test((error as Error | null)?.message ?? '') && pool.numPendingCreates() === 0;
  }

  async migrate(): Promise<string[]> {
    const applied = await this.orm.getMigrator().up();
    return applied.map((m) => m.name);
  }

  /** Calls the listener whenever a batch commits (or, on another channel, its news arrives), on any server instance. */
  listen(listener: Listener, channel = CHANGE_CHANNEL): Promise<() => Promise<void>> {
    return this.startListening(channel, listener);
  }

  async close(): Promise<void> {
    await this.orm.close(true);
    await this.closeExtra();
  }
}

/**
 * The embedded database lives in one process: a second server on the same directory would
 * corrupt it. A lock file names the owner; a lock left by a process that is gone is taken over.
 */
function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'pglite.lock');
  try {
    writeFileSync(file, String(process.pid), { flag: 'wx' });
  } catch {
    const owner = Number(readFileSync(file, 'utf8'));
    if (owner && owner !== process.pid && isAlive(owner)) {
      throw new ConfigError(`The embedded database in ${dataDir} is in use by process ${owner}: stop it, or set another DATA_DIR`);
    }
    writeFileSync(file, String(process.pid));
  }
  return () => rmSync(file, { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * LISTEN needs a connection of its own that stays open. When it drops, it reconnects and
 * calls the listener once, so that the caller catches up on what it may have missed.
 */
async function listenOnPostgres(url: string, channel: string, listener: Listener): Promise<() => Promise<void>> {
  let client: pg.Client | null = null;
  let stopped = false;
  let retry: NodeJS.Timeout | null = null;

  const connect = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: ACQUIRE_TIMEOUT_MS });
    c.on('notification', (message) => listener(message.payload));
    c.on('error', () => reconnect(c));
    c.on('end', () => reconnect(c));
    try {
      await c.connect();
      await c.query(`listen ${channel}`);
      client = c;
      listener();
    } catch {
      reconnect(c);
    }
  };
  const reconnect = (c: pg.Client) => {
    c.removeAllListeners();
    c.end().catch(() => {});
    if (client === c) client = null;
    if (!stopped && !retry) retry = setTimeout(() => { retry = null; void connect(); }, 1000);
  };

  await connect();
  return async () => {
    stopped = true;
    if (retry) clearTimeout(retry);
    const c = client;
    client = null;
    if (c) {
      c.removeAllListeners();
      await c.end().catch(() => {});
    }
  };
}
