/**
 * tiendo server.
 *   node dist/main.js serve     the server (default)
 *   node dist/main.js demo      the demo: Hà Tĩnh's campaign, reported live by a simulator
 *   node dist/main.js migrate   apply pending migrations and exit
 *   node dist/main.js key <role> <unit code> <name>
 *                               create an api key (role: ingest, display or admin) and print it
 *   node dist/main.js maps import <file> [--level district|commune] [--property NAME] [--yes]
 *                               import a boundary file: print its match report, store it if told
 */
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { addDays, daysBetween, endOfLocalDay, localDate, startOfLocalDay } from '@tiendo/shared';
import { join, resolve } from 'node:path';
import { ConfigError, loadConfig, type Config } from './config/env.js';
import { Database } from './database/database.js';
import type { KeyRole } from './entities/index.js';
import { mapsCommand } from './maps-cli.js';
import { KeyRepository } from './repositories/key.repository.js';
import { Clock } from './services/clock.js';
import { SeedService, type DemoKeys } from './services/seed.service.js';
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
    case 'maps':
      return mapsCommand(process.argv.slice(3), async () => {
        const config = loadConfig(process.env, { dataDir: join(repoRoot, 'data') });
        const db = await Database.open({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
        if (config.migrateOnStart) await db.migrate();
        return db;
      });
    default:
      throw new ConfigError(`Unknown command "${command}": expected serve, demo, migrate, key or maps`);
  }
}

async function createKey([role, scope, ...name]: string[]): Promise<void> {
  if (!['ingest', 'display', 'admin'].includes(role) || !scope || !name.length) {
    throw new ConfigError('Usage: key <ingest|display|admin> <unit code> <name>');
  }
  const config = loadConfig(process.env, { dataDir: join(repoRoot, 'data') });
  const db = await Database.open({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    const [unit] = await db.em().execute<{ code: string }[]>('select code from unit where code = ?', [scope]);
    if (!unit) throw new ConfigError(`Unit ${scope} is not loaded: start the server with ROOT_UNIT covering it first`);
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
