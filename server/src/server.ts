/**
 * Boots one server instance: database, migrations, catalog, live state, HTTP(S) + Socket.IO,
 * and the built web app on the same port, behind the security headers and the origin rule; and
 * stops it without losing a batch (see `drain`).
 */
import 'reflect-metadata';
import { existsSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import type { AddressInfo } from 'node:net';
import compression from 'compression';
import { Logger, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import type { ServerOptions } from 'socket.io';
import { AppModule } from './app.module.js';
import { originAllowed, requestOriginAllowed } from './common/origins.js';
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

/**
 * Connections waiting to be accepted. Every screen reconnects at once after a restart or a
 * network cut; past Node's default of 511 the kernel drops their SYNs, and each dropped one
 * retries only after 1, 3, 7… seconds. Linux caps it at net.core.somaxconn (4096 by default),
 * which a host serving more screens than that raises.
 */
const LISTEN_BACKLOG = 65_535;

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
    const access = { publicDisplay: config.publicDisplay, authFailureLimit: config.authFailureLimit };
    const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot({ db, clock, access, observability }), {
      bodyParser: false,
      bufferLogs: true,
      httpsOptions: config.tls ? { cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) } : undefined,
    });
    app.useLogger(app.get(AppLogger));
    const lifecycle = app.get(Lifecycle);
    // First, and ahead of the body parser: every answer is counted and logged, refusals included.
    app.use(lifecycle.track, recordAnswers, app.get(RequestObserver).middleware, logging.requests);
    const sockets = secure(app, config.allowedOrigins, app.get(MetricsService));
    app.useBodyParser('json', { limit: '1mb' });
    app.use(compression());
    serveDocs(app, buildDocument(app, version));
    await app.get(SeedService).ensureCatalog(config.rootUnit);
    await options.beforeListen?.(app);
    await app.get(LiveService).start();
    await mountWeb(app, config.webDir);
    // Nest hands its arguments to http.Server#listen, whose third is the backlog; Nest's types
    // know only a callback there.
    await app.listen(config.port, config.host, LISTEN_BACKLOG as unknown as () => void);
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

/**
 * Headers on every answer (helmet's defaults). The API's policy allows nothing to load; pages
 * replace it with their own, which SvelteKit writes with a nonce for its start-up script
 * (web/svelte.config.js). Answers to a key are the key holder's: no cache keeps them. Browsers
 * of other origins may use the API only when ALLOWED_ORIGINS names them.
 */
function secure(app: NestExpressApplication, allowedOrigins: string[] | null, metrics: MetricsService): ObservedIoAdapter {
  app.disable('x-powered-by');
  app.use(helmet({
    contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"] } },
    // A deployment's other hosts (the province's own sites) are not this server's to pin to HTTPS.
    strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: false },
  }));
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (req.headers.authorization !== undefined) res.setHeader('Cache-Control', 'private, no-store');
    next();
  });
  app.enableCors((req: Request, done: (error: Error | null, options: object) => void) => {
    const origin = req.headers.origin;
    const allowed = origin !== undefined && originAllowed(origin, req.headers.host, allowedOrigins);
    done(null, {
      origin: allowed ? origin : false,
      allowedHeaders: ['Authorization', 'Content-Type', 'If-None-Match'],
      exposedHeaders: ['ETag', 'Retry-After', 'X-Map-Source', 'X-Map-Version'],
      maxAge: 600,
    });
  });
  const sockets = new OriginCheckingIoAdapter(app, metrics, allowedOrigins);
  app.useWebSocketAdapter(sockets);
  return sockets;
}

/** The socket takes the same origins as the API: a browser page of another site is refused at the handshake. */
class OriginCheckingIoAdapter extends ObservedIoAdapter {
  constructor(
    app: INestApplicationContext,
    metrics: MetricsService,
    private readonly allowedOrigins: string[] | null,
  ) {
    super(app, metrics);
  }

  override createIOServer(port: number, options?: ServerOptions) {
    return super.createIOServer(port, {
      ...options,
      allowRequest: (request, done) => {
        const allowed = requestOriginAllowed(request, this.allowedOrigins);
        done(allowed ? null : 'origin not allowed', allowed);
      },
    } as ServerOptions);
  }
}

/** Pages come from the SvelteKit build; the API and the socket keep their paths. */
async function mountWeb(app: NestExpressApplication, webDir: string): Promise<void> {
  const file = join(webDir, 'handler.js');
  if (!existsSync(file)) return;
  const { handler } = (await import(pathToFileURL(file).href)) as { handler: (req: Request, res: Response, next: NextFunction) => void };
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (req.path.startsWith('/api/') || req.path.startsWith('/socket.io/') || req.path === '/metrics') return next();
    // A service worker runs under its script's policy: it fetches the app's own files to keep them.
    if (req.path === '/service-worker.js') res.setHeader('Content-Security-Policy', "default-src 'self'");
    handler(req, res, next);
  });
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
