/**
 * Boots one server instance: database, migrations, catalog, live state, HTTP(S) + Socket.IO,
 * and the built web app on the same port; and stops it without losing a batch (see `drain`).
 */
import 'reflect-metadata';
import { existsSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { AppModule } from './app.module.js';
import type { Config } from './config/env.js';
import { Database } from './database/database.js';
import { Lifecycle } from './observability/lifecycle.js';
import { AppLogger, createLogging } from './observability/logging.js';
import { MetricsService } from './observability/metrics.service.js';
import { buildDocument, serveDocs } from './observability/openapi.js';
import { recordAnswers, RequestObserver } from './observability/request-observer.js';
import { ObservedIoAdapter } from './observability/socket-observer.js';
import { Clock } from './services/clock.js';
import { LiveService } from './services/live.service.js';
import { SeedService } from './services/seed.service.js';

const { version } = JSON.parse(readFileSync(join(import.meta.dirname, '../package.json'), 'utf8')) as { version: string };

export interface RunningServer {
  app: NestExpressApplication;
  db: Database;
  url: string;
  /** Drains (readiness 503, no new connections, sockets moved, batches in flight answered), then stops. */
  close(): Promise<void>;
}

export async function startServer(config: Config, options: { clock?: Clock; inMemory?: boolean; beforeListen?: (app: NestExpressApplication) => Promise<void> } = {}): Promise<RunningServer> {
  const db = await Database.open({ databaseUrl: config.databaseUrl, dataDir: options.inMemory ? null : config.dataDir });
  try {
    if (config.migrateOnStart) await db.migrate();
    const clock = options.clock ?? Clock.wall();
    const logging = await createLogging(config);
    const observability = { logging, metricsToken: config.metricsToken, readyChangeLogSeconds: config.readyChangeLogSeconds };
    const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot({ db, clock, publicDisplay: config.publicDisplay, observability }), {
      bodyParser: false,
      bufferLogs: true,
      httpsOptions: config.tls ? { cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) } : undefined,
    });
    app.useLogger(app.get(AppLogger));
    const lifecycle = app.get(Lifecycle);
    // Ahead of the body parser, so that a malformed or oversized body is counted and logged too.
    app.use(lifecycle.track, recordAnswers, app.get(RequestObserver).middleware, logging.requests);
    app.useBodyParser('json', { limit: '1mb' });
    const sockets = new ObservedIoAdapter(app, app.get(MetricsService));
    app.useWebSocketAdapter(sockets);
    serveDocs(app, buildDocument(app, version));
    await app.get(SeedService).importCatalog(config.rootUnit);
    await options.beforeListen?.(app);
    await app.get(LiveService).start();
    await mountWeb(app, config.webDir);
    await app.listen(config.port, config.host);
    const { port } = app.getHttpServer().address() as AddressInfo;
    return {
      // A certificate names a host, rarely an address: the URL this process calls itself by.
      app, db, url: config.tls ? `https://localhost:${port}` : `http://127.0.0.1:${port}`,
      close: async () => {
        await drain(app, lifecycle, sockets, config);
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
    req.path.startsWith('/api/') || req.path.startsWith('/socket.io/') || req.path === '/metrics' ? next() : handler(req, res, next));
}

/**
 * Leaves the pool of instances without losing work: readiness fails at once (and the instance
 * still serves for SHUTDOWN_DELAY_MS, while load balancers notice), then no new connection is
 * accepted, screens are disconnected so that they reconnect elsewhere and resume from their
 * sequence number, and batches in flight are answered (each commits whole or not at all, and a
 * client that lost its answer retries with the same ids, which count once).
 */
async function drain(app: NestExpressApplication, lifecycle: Lifecycle, sockets: ObservedIoAdapter, config: Config): Promise<void> {
  const logger = new Logger('Shutdown');
  const started = Date.now();
  lifecycle.startDraining();
  logger.log(`Draining: readiness answers 503${config.shutdownDelayMs ? `, serving ${config.shutdownDelayMs} ms more` : ''}`);
  if (config.shutdownDelayMs) await sleep(config.shutdownDelayMs);
  const server = app.getHttpServer() as Server;
  server.close();
  const moved = sockets.moveSockets();
  const inFlight = lifecycle.inFlight;
  const answered = await lifecycle.idle(config.shutdownTimeoutMs);
  server.closeAllConnections();
  logger.log(`Drained in ${Date.now() - started} ms: ${moved} sockets moved, ${inFlight} requests in flight ${answered ? 'answered' : `cut after ${config.shutdownTimeoutMs} ms`}`);
}
