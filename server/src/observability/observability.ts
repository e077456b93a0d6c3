/**
 * What the operator sees of a server instance: logs, metrics, health and its lifecycle. The
 * application module takes these parts as they are; the server wires the middleware and the
 * socket adapter around the application (see server.ts).
 */
import type { ModuleMetadata, Provider } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { DatabaseOutage } from './database-outage.js';
import { Lifecycle } from './lifecycle.js';
import { AppLogger } from './logging.js';
import { MetricsController } from './metrics.controller.js';
import { MetricsService } from './metrics.service.js';
import { OBSERVABILITY_OPTIONS, type ObservabilityOptions } from './options.js';
import { RequestObserver } from './request-observer.js';

export function observability(options: ObservabilityOptions): Required<Pick<ModuleMetadata, 'imports' | 'controllers'>> & { providers: Provider[] } {
  return {
    // The request logger itself is mounted ahead of the body parser (server.ts); the module
    // binds each request's logger to the code that serves it, so every line carries its id.
    imports: [LoggerModule.forRoot({ pinoHttp: { logger: options.logging.root }, useExisting: true })],
    controllers: [MetricsController],
    providers: [
      { provide: OBSERVABILITY_OPTIONS, useValue: options },
      AppLogger, Lifecycle, DatabaseOutage, MetricsService, RequestObserver,
    ],
  };
}
