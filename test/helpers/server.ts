/**
 * Starts the real server as a child process, on a free port, with its own data directory
 * (embedded database) or its own PostgreSQL database.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const ROOT = resolve(import.meta.dirname, '../..');

export interface Keys {
  ingest: string;
  display: string;
  admin: string;
}

export interface ServerProcess {
  url: string;
  keys: Keys;
  dataDir: string;
  /** The server's process id (benchmarks read its CPU time). */
  pid: number;
  output(): string;
  /** Null while running. */
  exitCode(): number | null;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Extra environment (SIMULATION, DATABASE_URL, …). */
  env?: Record<string, string>;
  /** Reuse the data directory of an earlier process (a restart). */
  dataDir?: string;
  port?: number;
  /** `serve` runs the bare server: no campaign, no demo keys (`keys` are then empty). */
  command?: 'demo' | 'serve';
  /**
   * How long it may take to listen: by default just under the tests' hook timeout, as a start
   * on a busy machine can take more than a minute; a long benchmark gives it more.
   */
  startTimeoutMs?: number;
}

/** Runs `main.js demo` (the seeded Hà Tĩnh campaign, simulator off unless asked), or `serve`, and waits until it listens. */
export async function startServer(options: StartOptions = {}): Promise<ServerProcess> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'tiendo-'));
  const command = options.command ?? 'demo';
  const child = spawn(process.execPath, [join(ROOT, 'server/dist/main.js'), command], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(options.port ?? 0),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      SIMULATION: 'off',
      // `serve` says where it listens at the `log` level only.
      LOG_LEVEL: command === 'serve' ? 'log' : 'warn',
      DATABASE_URL: '',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const url = await new Promise<string>((resolvePort, reject) => {
    const timer = setTimeout(() => {
      // Not left behind: a server that starts after the test gave up would run on.
      child.kill('SIGKILL');
      reject(new Error(`server did not start in time:\n${output}`));
    }, options.startTimeoutMs ?? 110_000);
    const check = () => {
      const match = /(?:Command center:|Listening on)\s+(https?):\/\/[^:/]+:(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        // A certificate names a host: over HTTPS the server is called by the name in its banner.
        resolvePort(match[1] === 'https' ? `https://localhost:${match[2]}` : `http://127.0.0.1:${match[2]}`);
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
  const keys = command === 'demo' ? (JSON.parse(readFileSync(join(dataDir, 'demo-keys.json'), 'utf8')) as Keys) : { ingest: '', display: '', admin: '' };
  return {
    url, keys, dataDir, pid: child.pid!,
    output: () => output,
    exitCode: () => child.exitCode,
    stop: () => stopProcess(child),
  };
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(kill);
      done();
    });
    child.kill('SIGTERM');
  });
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** A fresh PostgreSQL database (dropped by `drop`), or null when DATABASE_URL is not set. */
export async function freshPostgres(): Promise<{ url: string; drop(): Promise<void> } | null> {
  const base = process.env.DATABASE_URL;
  if (!base) return null;
  const name = `tiendo_e2e_${randomBytes(4).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: base });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`create database ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`drop database if exists ${name} with (force)`) };
}
