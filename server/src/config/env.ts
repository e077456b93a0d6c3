/**
 * Configuration is read once, at boot, from the environment. Every bad variable is reported
 * together, so a deployment is fixed in one pass.
 */
import { accessSync, constants } from 'node:fs';
import { resolve } from 'node:path';

export interface Config {
  port: number;
  host: string;
  /** PostgreSQL URL; when absent the embedded database (PGlite) is used. */
  databaseUrl: string | null;
  /** Directory of the embedded database and of the demo's key file. */
  dataDir: string;
  /** GSO code of the unit whose subtree this deployment serves: a province, or "VN". */
  rootUnit: string;
  /** Display data (snapshots, live socket) readable without a key: for demos and closed networks. */
  publicDisplay: boolean;
  /** Apply pending migrations when the server starts. */
  migrateOnStart: boolean;
  simulation: 'live' | 'replay' | 'off';
  /** Replay speed: simulated campaign days per real minute. */
  replayDaysPerMinute: number;
  /** Directory of the built web app (adapter-node output); pages are not served when missing. */
  webDir: string;
  logLevel: 'error' | 'warn' | 'log' | 'debug';
  /** One JSON object a line (for collectors), or readable lines for a person at a terminal. */
  logFormat: 'json' | 'pretty';
  /** Who may read /metrics: a bearer token, or (null) requests from this machine only. */
  metricsToken: string | null;
  /** PEM files of the certificate (with its chain) and key: with both, the server speaks HTTPS only. */
  tls: { certFile: string; keyFile: string } | null;
  /** Readiness fails when the change log has not been read for this long. */
  readyChangeLogSeconds: number;
  /** On SIGTERM, how long readiness reports 503 while still serving, so load balancers stop sending. */
  shutdownDelayMs: number;
  /** On SIGTERM, how long requests in flight may take to finish before their connections are cut. */
  shutdownTimeoutMs: number;
  /**
   * Browser origins allowed to use the API and the socket (`https://host[:port]`); null allows
   * the page's own origin only (the Origin naming the Host the request was sent to).
   */
  allowedOrigins: string[] | null;
  /** Failed key attempts an address may make per minute before it is answered 429. */
  authFailureLimit: number;
}

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env, defaults: Partial<Config> = {}): Config {
  const problems: string[] = [];
  const text = (name: string, fallback: string) => env[name]?.trim() || fallback;
  const integer = (name: string, fallback: number, min: number, max: number) => {
    const raw = env[name]?.trim();
    if (!raw) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${name}: expected an integer from ${min} to ${max}, got "${raw}"`);
      return fallback;
    }
    return n;
  };
  const flag = (name: string, fallback: boolean) => {
    const raw = env[name]?.trim().toLowerCase();
    if (!raw) return fallback;
    if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
    if (['0', 'false', 'no', 'off'].includes(raw)) return false;
    problems.push(`${name}: expected true or false, got "${env[name]}"`);
    return fallback;
  };
  const choice = <T extends string>(name: string, fallback: T, allowed: readonly T[]): T => {
    const raw = env[name]?.trim();
    if (!raw) return fallback;
    if (!(allowed as readonly string[]).includes(raw)) {
      problems.push(`${name}: expected one of ${allowed.join(', ')}, got "${raw}"`);
      return fallback;
    }
    return raw as T;
  };

  const readable = (name: string): string | null => {
    const raw = env[name]?.trim();
    if (!raw) return null;
    const path = resolve(raw);
    try {
      accessSync(path, constants.R_OK);
    } catch {
      problems.push(`${name}: cannot read the file ${path}`);
    }
    return path;
  };

  const databaseUrl = env.DATABASE_URL?.trim() || null;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push('DATABASE_URL: expected a postgres:// or postgresql:// URL');
  }
  const rootUnit = text('ROOT_UNIT', defaults.rootUnit ?? '42');
  if (!/^[A-Za-z0-9_-]{1,20}$/.test(rootUnit)) problems.push(`ROOT_UNIT: expected "VN" or a unit code such as 42, got "${rootUnit}"`);

  const origins = env.ALLOWED_ORIGINS?.split(',').map((o) => o.trim().replace(/\/$/, '').toLowerCase()).filter(Boolean) ?? [];
  for (const origin of origins) {
    if (!isOrigin(origin)) problems.push(`ALLOWED_ORIGINS: expected origins such as https://tiendo.example.vn, separated by commas, got "${origin}"`);
  }

  const config: Config = {
    port: integer('PORT', defaults.port ?? 3000, 0, 65535),
    host: text('HOST', defaults.host ?? '0.0.0.0'),
    databaseUrl,
    dataDir: resolve(text('DATA_DIR', defaults.dataDir ?? 'data')),
    rootUnit,
    publicDisplay: flag('PUBLIC_DISPLAY', defaults.publicDisplay ?? false),
    migrateOnStart: flag('MIGRATE_ON_START', defaults.migrateOnStart ?? true),
    simulation: choice('SIMULATION', defaults.simulation ?? 'off', ['live', 'replay', 'off'] as const),
    replayDaysPerMinute: integer('REPLAY_DAYS_PER_MINUTE', defaults.replayDaysPerMinute ?? 10, 1, 100_000),
    webDir: resolve(text('WEB_DIR', defaults.webDir ?? 'web/build')),
    logLevel: choice('LOG_LEVEL', defaults.logLevel ?? 'log', ['error', 'warn', 'log', 'debug'] as const),
    logFormat: choice('LOG_FORMAT', defaults.logFormat ?? 'json', ['json', 'pretty'] as const),
    metricsToken: env.METRICS_TOKEN?.trim() || null,
    tls: null,
    readyChangeLogSeconds: integer('READY_CHANGE_LOG_SECONDS', defaults.readyChangeLogSeconds ?? 10, 3, 86_400),
    shutdownDelayMs: integer('SHUTDOWN_DELAY_MS', defaults.shutdownDelayMs ?? 0, 0, 600_000),
    shutdownTimeoutMs: integer('SHUTDOWN_TIMEOUT_MS', defaults.shutdownTimeoutMs ?? 10_000, 0, 600_000),
    allowedOrigins: origins.length ? origins : null,
    authFailureLimit: integer('AUTH_FAILURE_LIMIT', defaults.authFailureLimit ?? 20, 1, 100_000),
  };
  if (config.metricsToken && config.metricsToken.length < 16) problems.push('METRICS_TOKEN: expected at least 16 characters');
  const certFile = readable('TLS_CERT');
  const keyFile = readable('TLS_KEY');
  if (certFile && keyFile) config.tls = { certFile, keyFile };
  else if (certFile || keyFile) problems.push('TLS_CERT and TLS_KEY: set both (PEM files) or neither');
  if (problems.length) throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  return config;
}

function isOrigin(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === text;
  } catch {
    return false;
  }
}
