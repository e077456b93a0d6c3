/**
 * Boots one server instance: database, migrations, catalog, live state, HTTP + Socket.IO, and
 * the built web app on the same port, behind the security headers and the origin rule.
 */
import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AddressInfo } from 'node:net';
import compression from 'compression';
import { ConsoleLogger, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import type { ServerOptions } from 'socket.io';
import { AppModule } from './app.module.js';
import { originAllowed, requestOriginAllowed } from './common/origins.js';
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
    const access = { publicDisplay: config.publicDisplay, authFailureLimit: config.authFailureLimit };
    const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot({ db, clock, access }), {
      bodyParser: false,
      logger: new QuietStartupLogger({ logLevels: levels(config.logLevel) }),
    });
    secure(app, config.allowedOrigins);
    app.useBodyParser('json', { limit: '1mb' });
    app.use(compression());
    app.enableShutdownHooks();
    await app.get(SeedService).ensureCatalog(config.rootUnit);
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

/**
 * Headers on every answer (helmet's defaults). The API's policy allows nothing to load; pages
 * replace it with their own, which SvelteKit writes with a nonce for its start-up script
 * (web/svelte.config.js). Answers to a key are the key holder's: no cache keeps them. Browsers
 * of other origins may use the API only when ALLOWED_ORIGINS names them.
 */
function secure(app: NestExpressApplication, allowedOrigins: string[] | null): void {
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
  app.useWebSocketAdapter(new OriginCheckingIoAdapter(app, allowedOrigins));
}

/** The socket takes the same origins as the API: a browser page of another site is refused at the handshake. */
class OriginCheckingIoAdapter extends IoAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly allowedOrigins: string[] | null,
  ) {
    super(app);
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
    if (req.path.startsWith('/api/') || req.path.startsWith('/socket.io/')) return next();
    // A service worker runs under its script's policy: it fetches the app's own files to keep them.
    if (req.path === '/service-worker.js') res.setHeader('Content-Security-Policy', "default-src 'self'");
    handler(req, res, next);
  });
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
