/**
 * A production deployment as the README starts it: `init` on an empty database, then `serve`
 * (no demo campaign, no demo keys), and people who sign in with a session cookie.
 */
import { execFile, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './server.js';

const run = promisify(execFile);

export interface ProductionServer {
  url: string;
  output(): string;
  stop(): Promise<void>;
}

/** Runs a command of the server (init, key, reset-password…) to its end; its stdout and stderr. */
export async function command(args: string[], env: Record<string, string>, timeoutMs = 120_000): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, [join(ROOT, 'server/dist/main.js'), ...args], {
    cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'warn', DATABASE_URL: '', ...env }, timeout: timeoutMs,
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    }).on('error', reject);
  });
}

/** Runs `serve` and waits until it answers (a benchmark on a busy machine may give it longer). */
export async function startServe(env: Record<string, string>, startTimeoutMs = 60_000): Promise<ProductionServer> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(ROOT, 'server/dist/main.js'), 'serve'], {
    cwd: ROOT, env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', DATABASE_URL: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + startTimeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`serve exited with ${child.exitCode}:\n${output}`);
    const up = await fetch(`${url}/api/health`).then((r) => r.ok, () => false);
    if (up) break;
    if (Date.now() > deadline) throw new Error(`serve did not answer in time:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    output: () => output,
    stop: () => new Promise((done) => {
      if (child.exitCode !== null) return done();
      const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.once('exit', () => {
        clearTimeout(kill);
        done();
      });
      child.kill('SIGTERM');
    }),
  };
}

/** A browser's session: the cookie it was given, sent back with every request. */
export class Session {
  private cookie = '';

  constructor(readonly url: string) {}

  async request<T = Record<string, unknown>>(method: string, path: string, body?: unknown, raw?: { bytes: Uint8Array; type: string }): Promise<{ status: number; body: T; headers: Headers }> {
    const headers: Record<string, string> = { origin: this.url };
    if (this.cookie) headers.cookie = this.cookie;
    let payload: BodyInit | undefined;
    if (raw) {
      headers['content-type'] = raw.type;
      payload = raw.bytes as unknown as BodyInit;
    } else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    const response = await fetch(`${this.url}${path}`, { method, headers, body: payload });
    const set = response.headers.getSetCookie().find((c) => c.startsWith('tiendo_session='));
    if (set) this.cookie = set.split(';')[0];
    const text = await response.text();
    const type = response.headers.get('content-type') ?? '';
    return { status: response.status, body: (type.includes('json') && text ? JSON.parse(text) : text) as T, headers: response.headers };
  }

  /** A file download as it comes, byte-order mark and all. */
  async bytes(path: string): Promise<{ type: string; bytes: Uint8Array }> {
    const response = await fetch(`${this.url}${path}`, { headers: { cookie: this.cookie } });
    return { type: response.headers.get('content-type') ?? '', bytes: new Uint8Array(await response.arrayBuffer()) };
  }

  /** The session cookie's value, to hand to a browser. */
  get token(): string {
    return this.cookie.slice(this.cookie.indexOf('=') + 1);
  }

  signIn(login: string, password: string) {
    return this.request<{ mustChangePassword: boolean; message?: string }>('POST', '/api/v1/session', { login, password });
  }
}
