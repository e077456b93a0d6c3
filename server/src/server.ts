/**
 * Boots one server instance: database, migrations, catalog, live state, HTTP + Socket.IO, and
 * the built web app on the same port.
 */
import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AddressInfo } from 'node:net';
import compression from 'compression';
import { ConsoleLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { AppModule } from './app.module.js';
import type { Config } from './config/env.js';
import { Database } from './database/database.js';
import { Clock } from './services/clock.js';
import { LiveService } from './services/live.service.js';
import { SeedService } from './services/seed.service.js';

export interface RunningServer {
  app: NestExpressApplication;
  db: Database;
  url: string;
  close(): Promise<void>;
}

export async function startServer(config: Config, options: { clock?: Clock; inMemory?: boolean; beforeListen?: (app: NestExpressApplication) => Promise<void> } = {}): Promise<RunningServer> {
  const db = await Database.open({ databaseUrl: config.databaseUrl, dataDir: options.inMemory ? null : config.dataDir });
  try {
    if (config.migrateOnStart) await db.migrate();
    const clock = options.clock ?? Clock.wall();
    const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot({ db, clock, publicDisplay: config.publicDisplay }), {
      bodyParser: false,
      logger: new QuietStartupLogger({ logLevels: levels(config.logLevel) }),
    });
    app.useBodyParser('json', { limit: '1mb' });
    app.use(compression());
    app.enableShutdownHooks();
    await app.get(SeedService).importCatalog(config.rootUnit);
    await options.beforeListen?.(app);
    await app.get(LiveService).start();
    await mountWeb(app, config.webDir);
    await app.listen(config.port, config.host);
    const { port } = app.getHttpServer().address() as AddressInfo;
    return {
      app, db, url: `http://127.0.0.1:${port}`,
      close: async () => {
        await app.close();
        await db.close();
      },
    };
  } catch (error) {
    await db.close().catch(() => {});
    throw error;
  }
}

/** Pages come from the SvelteKit build; the API and the socket keep their paths. */
async function mountWeb(app: NestExpressApplication, webDir: string): Promise<void> {
  const file = join(webDir, 'handler.js');
  if (!existsSync(file)) return;
  const { handler } = (await import(pathToFileURL(file).href)) as { handler: (req: Request, res: Response, next: NextFunction) => void };
  app.use((req: Request, res: Response, next: NextFunction) =>
    req.path.startsWith('/api/') || req.path.startsWith('/socket.io/') ? next() : handler(req, res, next));
}

/** The framework's routine start-up lines (every route mapped…) are debug detail, not news. */
const FRAMEWORK_CONTEXTS = new Set(['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'WebSocketsController', 'NestApplication']);

class QuietStartupLogger extends ConsoleLogger {
  override log(message: unknown, context?: string): void {
    if (context && FRAMEWORK_CONTEXTS.has(context)) super.debug(message, context);
    else super.log(message, context);
  }
}

function levels(level: Config['logLevel']) {
  const all = ['error', 'warn', 'log', 'debug'] as const;
  return all.slice(0, all.indexOf(level) + 1) as ('error' | 'warn' | 'log' | 'debug')[];
}
