/** What the application module needs of the operator's settings; kept apart so that controllers can inject it. */
import type { Logging } from './logging.js';

export interface ObservabilityOptions {
  logging: Logging;
  /** Bearer token for /metrics; null: only from this machine. */
  metricsToken: string | null;
  readyChangeLogSeconds: number;
}

export const OBSERVABILITY_OPTIONS = Symbol('OBSERVABILITY_OPTIONS');
