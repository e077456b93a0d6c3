/**
 * tiendo server.
 *   node dist/main.js serve     the server (default)
 *   node dist/main.js demo      the demo: Hà Tĩnh's campaign, reported live by a simulator
 *   node dist/main.js migrate   apply pending migrations and exit
 *   node dist/main.js init --admin <login> [--name <name>] [--catalog <file>]
 *                               production start: migrate, load the unit catalog, create the first
 *                               administrator and print a one-time password
 *   node dist/main.js reset-password <login>
 *                               print a new one-time password for a person (a locked-out administrator)
 *   node dist/main.js key <role> <unit code> <name>
 *                               create an api key (role: ingest, display or admin) and print it
 *   node dist/main.js maps import <file> [--level district|commune] [--property NAME] [--yes]
 *                               import a boundary file into the database of DATA_DIR or
 *                               DATABASE_URL: print its match report, store it if told
 */
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { addDays, daysBetween, endOfLocalDay, localDate, startOfLocalDay } from '@tiendo/shared';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { hash } from '@node-rs/argon2';
import { readCatalogSheet } from './admin/catalog-sheet.js';
import { oneTimePassword } from './admin/people.service.js';
import { readSheets } from './admin/sheet.js';
import { Person } from './entities/index.js';
import { AuditRepository } from './repositories/audit.repository.js';
import { LiveRepository } from './repositories/live.repository.js';
import { PeopleRepository } from './repositories/people.repository.js';
import { UnitsRepository } from './repositories/units.repository.js';
import { ConfigError, loadConfig, type Config } from './config/env.js';
import { Database } from './database/database.js';
import type { KeyRole } from './entities/index.js';
import { mapsCommand } from './maps-cli.js';
import { KeyRepository } from './repositories/key.repository.js';
import { Clock } from './services/clock.js';
import { SeedService, type DemoKeys, type DemoPeople } from './services/seed.service.js';
import { startServer, type RunningServer } from './server.js';
import { demoPlan } from './simulator/demo-plan.js';
import { REFERENCE } from './simulator/reference.js';
import { Simulator } from './simulator/simulator.js';

const logger = new Logger('tiendo');
const repoRoot = resolve(import.meta.dirname, '../..');

async function main(command: string): Promise<void> {
  switch (command) {
    case 'serve': {
      const server = await startServer(loadConfig(process.env, { webDir: join(repoRoot, 'web/build'), dataDir: join(repoRoot, 'data') }));
      logger.log(`Listening on ${server.url}`);
      onSignal(() => server.close());
      return;
    }
    case 'demo':
      return demo();
    case 'migrate': {
      const config = loadConfig(process.env, { dataDir: join(repoRoot, 'data') });
      const db = await Database.open({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
      const applied = await db.migrate();
      logger.log(applied.length ? `Applied ${applied.join(', ')}` : 'The schema is up to date.');
      await db.close();
      return;
    }
    case 'key':
      return createKey(process.argv.slice(3));
    case 'init':
      return init(process.argv.slice(3));
    case 'reset-password':
      return resetPassword(process.argv.slice(3));
    case 'maps':
      return mapsCommand(process.argv.slice(3), async () => {
        const config = loadConfig(process.env, { dataDir: join(repoRoot, 'data') });
        const where = config.databaseUrl ? `PostgreSQL, ${databaseName(config.databaseUrl)}` : `embedded, in ${config.dataDir}`;
        // Opening an embedded database creates one: an empty directory is a wrong DATA_DIR, not a new database.
        if (!config.databaseUrl && !existsSync(join(config.dataDir, 'pglite'))) {
          throw new ConfigError(
            `Database: ${where}: there is no database there. The demo (npm start) keeps its database in data/live: ` +
              'run DATA_DIR=data/live node server/dist/main.js maps import …; a server run with `serve` uses DATA_DIR (default data/) or DATABASE_URL.',
          );
        }
        const db = await Database.open({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
        if (config.migrateOnStart) await db.migrate();
        return { db, where };
      });
    default:
      throw new ConfigError(`Unknown command "${command}": expected serve, demo, migrate, init, reset-password, key or maps`);
  }
}

/** Options of a command line: `--name value` pairs. */
function options(args: string[], allowed: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < args.length; i += 2) {
    const name = args[i]?.replace(/^--/, '');
    if (!allowed.includes(name) || args[i + 1] === undefined) throw new ConfigError(`Unexpected "${args[i]}": expected ${allowed.map((a) => `--${a} <value>`).join(', ')}`);
    out[name] = args[i + 1];
  }
  return out;
}

/** The database of the commands run beside a server: migrated, and named, so nobody wonders which it was. */
async function openForCommand(): Promise<{ db: Database; config: Config }> {
  const config = loadConfig(process.env, { dataDir: join(repoRoot, 'data') });
  const db = await Database.open({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    if (config.migrateOnStart) await db.migrate();
  } catch (error) {
    await db.close();
    throw error;
  }
  console.error(`Database: ${config.databaseUrl ? 'PostgreSQL' : `embedded, in ${config.dataDir}`}`);
  return { db, config };
}

/**
 * The production start on an empty database: the schema, the unit catalog (the shipped one for
 * ROOT_UNIT, or a catalog file), and the first administrator, scoped to the root, who signs in
 * with the one-time password printed here and sets their own.
 */
async function init(args: string[]): Promise<void> {
  const opts = options(args, ['admin', 'name', 'catalog']);
  if (!opts.admin) throw new ConfigError('Usage: init --admin <login> [--name <full name>] [--catalog <file.csv|file.xlsx>]');
  const { db, config } = await openForCommand();
  try {
    const units = new UnitsRepository(db);
    const people = new PeopleRepository(db);
    if ((await people.count()) > 0) throw new ConfigError('This database has people already: sign in, or use reset-password <login>');
    let root = config.rootUnit;
    if (opts.catalog) {
      const loaded = new Map((await new LiveRepository(db).subtree('VN')).map((u) => [u.code, u]));
      const { units: read, preview } = readCatalogSheet((await readSheets(readFileSync(opts.catalog), basename(opts.catalog)))[0], (code) => loaded.get(code));
      if (!preview.ok) throw new ConfigError(`The catalog file has problems:\n  ${preview.problems.map((p) => p.message).join('\n  ')}`);
      await units.upsert(read);
      root = preview.root!.code;
      console.error(`Loaded ${read.length} units (${preview.levels.map((l) => `${l.count} ${l.level}`).join(', ')}) from ${opts.catalog}`);
    } else {
      await new SeedService(db, new KeyRepository(db), units).importCatalog(root);
      console.error(`Loaded the shipped unit catalog for ${root}`);
    }
    const password = oneTimePassword();
    const person = new Person(opts.admin, opts.name ?? opts.admin, 'admin', root, await hash(password));
    await db.em().transactional(async (em) => {
      await em.persistAndFlush(person);
      await new AuditRepository(db).record(em, { kind: 'system', id: null, name: 'init' }, [
        { action: 'person.create', entity: 'person', entityId: String(person.id), unit: root, after: { login: person.login, role: 'admin', scope: root } },
      ]);
    });
    console.log(`Administrator "${person.login}" of unit ${root}. One-time password: ${password}\nStart the server (serve), sign in at /signin and choose your own password.`);
  } finally {
    await db.close();
  }
}

async function resetPassword([login]: string[]): Promise<void> {
  if (!login) throw new ConfigError('Usage: reset-password <login>');
  const { db } = await openForCommand();
  try {
    const person = await new PeopleRepository(db).byLogin(login);
    if (!person) throw new ConfigError(`No person signs in as "${login}"`);
    const password = oneTimePassword();
    const em = db.em();
    const p = (await em.findOne(Person, { id: person.id }))!;
    Object.assign(p, { passwordHash: await hash(password), passwordTemporary: true, disabledAt: null, sessionVersion: p.sessionVersion + 1 });
    await em.transactional(async (tem) => {
      await tem.persistAndFlush(p);
      await new AuditRepository(db).record(tem, { kind: 'system', id: null, name: 'reset-password' }, [
        { action: 'person.reset-password', entity: 'person', entityId: String(p.id), unit: p.scopeCode },
      ]);
    });
    console.log(`One-time password for "${p.login}": ${password}`);
  } finally {
    await db.close();
  }
}

/** A PostgreSQL URL without its password: host, port and database. */
function databaseName(url: string): string {
  const { host, pathname } = new URL(url);
  return `${host}${pathname}`;
}

async function createKey([role, scope, ...name]: string[]): Promise<void> {
  if (!['ingest', 'display', 'admin'].includes(role) || !scope || !name.length) {
    throw new ConfigError('Usage: key <ingest|display|admin> <unit code> <name>');
  }
  const { db } = await openForCommand();
  try {
    const [unit] = await db.em().execute<{ code: string }[]>('select code from unit where code = ?', [scope]);
    if (!unit) throw new ConfigError(`Unit ${scope} is not loaded: run init first (or start the server with ROOT_UNIT covering it)`);
    const { token } = await new KeyRepository(db).create(name.join(' '), role as KeyRole, scope);
    console.log(token);
  } finally {
    await db.close();
  }
}

async function demo(): Promise<void> {
  const simulation = process.env.SIMULATION?.trim() || 'live';
  const config = loadConfig(process.env, {
    webDir: join(repoRoot, 'web/build'),
    dataDir: join(repoRoot, 'data', simulation === 'replay' ? 'replay' : 'live'),
    publicDisplay: true,
    simulation: 'live',
    logFormat: 'pretty',
  });
  const tz = REFERENCE.timeZone;
  const replay = config.simulation === 'replay';
  const lastDay = REFERENCE.metrics.map((m) => m.finish).sort().at(-1)!;
  // A replay runs on a virtual clock from the campaign's first day and always starts afresh.
  const clock = replay
    ? Clock.virtual(startOfLocalDay(REFERENCE.startDate, tz), config.replayDaysPerMinute * 1440, endOfLocalDay(lastDay, tz) - 1)
    : Clock.wall();

  let shift = 0;
  let keys: DemoKeys = { ingest: '', display: '', admin: '' };
  let people: DemoPeople | null = null;
  let plan: ReturnType<typeof demoPlan> | null = null;
  const server: RunningServer = await startServer(config, {
    clock,
    inMemory: replay && !config.databaseUrl,
    beforeListen: async (app) => {
      const seed = app.get(SeedService);
      const units = await seed.importCatalog(REFERENCE.province);
      const existingStart = await seed.campaignStart(REFERENCE.campaignId);
      if (!replay) {
        shift = existingStart
          ? daysBetween(REFERENCE.startDate, existingStart)
          : daysBetween(REFERENCE.liveAsOf, localDate(clock.now(), tz));
      }
      plan = demoPlan(units, shift);
      await seed.seedCampaign(REFERENCE.campaignId, REFERENCE.name, REFERENCE.province, tz, plan);
      keys = await seed.demoKeys(join(config.dataDir, 'demo-keys.json'), REFERENCE.province);
      people = await seed.demoPeople(join(config.dataDir, 'demo-people.json'), REFERENCE.province);
    },
  });

  const simulator = config.simulation === 'off' ? null : new Simulator({
    baseUrl: server.url, ingestKey: keys.ingest, campaign: REFERENCE.campaignId, timeZone: tz, plan: plan!, clock,
    maxRecordsPerDay: replay ? Math.max(1, Math.round(120 / config.replayDaysPerMinute)) : 60, backfill: !replay,
  });
  const { protocol, port } = new URL(server.url);
  const shownUrl = `${protocol}//localhost:${port}`;
  console.log(`
  tiendo demo — ${REFERENCE.name}
  ${replay ? `Replay of 2023 at ${config.replayDaysPerMinute} days a minute` : `Live: today plays ${addDays(localDate(clock.now(), tz), -shift)} of the 2023 campaign`}
  Database:  ${config.databaseUrl ? 'PostgreSQL' : replay ? 'embedded, in memory' : `embedded, in ${config.dataDir}`}

  Command center:  ${shownUrl}/
  Kiosk display:   ${shownUrl}/?kiosk=1&rotate=30&key=${keys.display}
  Boundary maps:   ${shownUrl}/admin/maps (admin key below)
  API reference:   ${shownUrl}/api/docs

  Demo keys (for this demo only; never use them in production):
    ingest   ${keys.ingest}
    display  ${keys.display}
    admin    ${keys.admin}

  Sign in at ${shownUrl}/signin (demo people, for this demo only):
${Object.entries(people!).map(([role, p]) => `    ${role.padEnd(10)} ${p.login.padEnd(16)} ${p.password}`).join('\n')}

  Try:  curl -X POST ${shownUrl}/api/v1/events -H 'authorization: Bearer ${keys.ingest}' \\
          -H 'content-type: application/json' \\
          -d '{"events":[{"id":"try-1","campaign":"${REFERENCE.campaignId}","metric":"cccd_intake","unit":"18586","delta":5,"occurredAt":"${new Date(clock.now()).toISOString()}"}]}'
`);
  const running = simulator?.run().catch((error) => logger.error(`Simulator stopped: ${(error as Error).message}`));
  onSignal(async () => {
    simulator?.stop();
    // Readiness fails at once; the simulator's last post is a request in flight like any other.
    const closed = server.close();
    await running;
    await closed;
  });
}

/** The first SIGTERM or SIGINT drains and stops; a second one stops at once. */
function onSignal(stop: () => Promise<void>): void {
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) process.exit(1);
      stopping = true;
      stop().then(() => process.exit(0), (error) => {
        logger.error(`Could not stop cleanly: ${(error as Error).stack ?? error}`);
        process.exit(1);
      });
    });
  }
}

main(process.argv[2] ?? 'serve').catch((error) => {
  if (error instanceof ConfigError) console.error(error.message);
  else logger.error((error as Error).stack ?? String(error));
  process.exit(1);
});
