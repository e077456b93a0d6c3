/**
 * Requests and sockets as particular clients send them: from a chosen loopback address (so a
 * test can be "another machine"), with an Origin header, with or without a key.
 */
import { request } from 'node:http';
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, KeyCreated, RefusalCode, ServerToClientEvents } from '@tiendo/shared';
import { post } from './api.js';
import type { ServerProcess } from './server.js';

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The body parsed as JSON, when it is. */
  json: { message?: string } & Record<string, unknown>;
}

export interface RawRequest {
  method?: string;
  key?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** The loopback address the request comes from (127.0.0.0/8). */
  from?: string;
}

/** One HTTP request over node:http, which can choose its source address. */
export function send(url: string, path: string, options: RawRequest = {}): Promise<RawAnswer> {
  const target = new URL(path, url);
  const headers: Record<string, string> = { ...options.headers };
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  if (options.body !== undefined) {
    headers['content-type'] ??= 'application/json';
    headers['content-length'] = String(Buffer.byteLength(options.body));
  }
  return new Promise((resolve, reject) => {
    const req = request(
      { host: target.hostname, port: target.port, path: `${target.pathname}${target.search}`, method: options.method ?? 'GET', headers, localAddress: options.from },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json = {};
          try {
            json = JSON.parse(text);
          } catch {
            // Pages and empty answers are not JSON.
          }
          resolve({ status: res.statusCode!, headers: res.headers, text, json });
        });
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

export type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface SocketOptions {
  key?: unknown;
  origin?: string;
  transports?: ('websocket' | 'polling')[];
  from?: string;
}

export type Connection =
  | { connected: true; socket: LiveSocket }
  | { connected: false; message: string; data?: { code?: RefusalCode; retryAfter?: number } };

/** Opens a socket without reconnection; resolves when it is connected or refused. */
export function connect(url: string, options: SocketOptions = {}): Promise<Connection> {
  const socket: LiveSocket = io(url, {
    transports: options.transports ?? ['websocket'],
    reconnection: false,
    forceNew: true,
    auth: options.key === undefined ? {} : { key: options.key },
    extraHeaders: options.origin ? { origin: options.origin } : undefined,
    localAddress: options.from,
  } as Parameters<typeof io>[1]);
  return new Promise((resolve) => {
    socket.once('connect', () => resolve({ connected: true, socket }));
    socket.once('connect_error', (error) => {
      socket.close();
      resolve({ connected: false, message: error.message, data: (error as Error & { data?: { code?: RefusalCode } }).data });
    });
  });
}

/** A socket that must connect. */
export async function connected(url: string, options: SocketOptions = {}): Promise<LiveSocket> {
  const connection = await connect(url, options);
  if (!connection.connected) throw new Error(`socket refused: ${connection.message}`);
  return connection.socket;
}

/** A new key made with the demo's admin key. */
export async function createKey(server: ServerProcess, role: 'ingest' | 'display' | 'admin', scope: string, name = `${role} ${scope}`): Promise<KeyCreated> {
  const answer = await post<KeyCreated>(server.url, '/api/v1/keys', server.keys.admin, { name, role, scope });
  if (answer.status !== 201) throw new Error(`key not created: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

export async function revokeKey(server: ServerProcess, id: number): Promise<number> {
  return (await send(server.url, `/api/v1/keys/${id}`, { method: 'DELETE', key: server.keys.admin })).status;
}
