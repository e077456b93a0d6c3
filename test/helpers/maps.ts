/** The boundary map API over HTTP: import, confirm, roll back, and the served TopoJSON with its headers. */
import { request } from 'node:http';
import { MAP_SOURCE_HEADER, MAP_VERSION_HEADER, type MapImportPreview, type MapVersionInfo } from '@tiendo/shared';
import type { ServerProcess } from './server.js';

export interface Answer<T> {
  status: number;
  body: T;
}

export interface ErrorBody {
  statusCode: number;
  message: string;
}

export async function importMap(
  server: ServerProcess,
  file: Uint8Array | string,
  query: Record<string, string> = {},
  options: { key?: string | null; contentType?: string } = {},
): Promise<Answer<MapImportPreview & ErrorBody>> {
  const key = options.key === undefined ? server.keys.admin : options.key;
  const response = await fetch(`${server.url}/api/v1/maps/import?${new URLSearchParams(query)}`, {
    method: 'POST',
    headers: { 'content-type': options.contentType ?? 'application/octet-stream', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: file as BodyInit,
  });
  return { status: response.status, body: (await response.json()) as MapImportPreview & ErrorBody };
}

/** Confirms an import, with the admin's decisions as the body when given (a string is sent as it is). */
export async function confirmMap(
  server: ServerProcess,
  importId: number | string,
  key = server.keys.admin,
  body?: unknown,
): Promise<Answer<MapVersionInfo & ErrorBody>> {
  const response = await fetch(`${server.url}/api/v1/maps/import/${importId}/confirm`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as MapVersionInfo & ErrorBody };
}

/** Makes an earlier version its level's map again. */
export async function activateMap(server: ServerProcess, version: number | string, key = server.keys.admin): Promise<Answer<MapVersionInfo & ErrorBody>> {
  const response = await fetch(`${server.url}/api/v1/maps/versions/${version}/activate`, { method: 'POST', headers: { authorization: `Bearer ${key}` } });
  return { status: response.status, body: (await response.json()) as MapVersionInfo & ErrorBody };
}

export async function mapVersions(server: ServerProcess): Promise<MapVersionInfo[]> {
  const response = await fetch(`${server.url}/api/v1/maps/versions`, { headers: { authorization: `Bearer ${server.keys.admin}` } });
  return (await response.json()) as MapVersionInfo[];
}

/**
 * The bytes of an answer as they travel, asking for `encoding` (fetch would decode them): its
 * Content-Encoding and its size on the wire.
 */
export function encodedSize(url: string, encoding: string, key?: string): Promise<{ status: number; encoding: string | null; bytes: number }> {
  return new Promise((done, fail) => {
    const req = request(url, { headers: { 'accept-encoding': encoding, ...(key ? { authorization: `Bearer ${key}` } : {}) } }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () => done({ status: res.statusCode ?? 0, encoding: (res.headers['content-encoding'] as string | undefined) ?? null, bytes }));
      res.on('error', fail);
    });
    req.on('error', fail);
    req.end();
  });
}

export type Position = [number, number];
export interface TopoGeometry {
  type: 'Polygon' | 'MultiPolygon';
  id: string;
  properties: { name: string; fullName: string; schematic?: boolean };
  arcs: number[][] | number[][][];
}
export interface Topo {
  type: 'Topology';
  transform?: { scale: Position; translate: Position };
  arcs: Position[][];
  objects: Record<string, { type: 'GeometryCollection'; geometries: TopoGeometry[] }>;
}

export interface ServedMap {
  status: number;
  etag: string | null;
  source: string | null;
  version: string | null;
  topology: Topo | null;
}

export async function getMap(server: ServerProcess, unit: string, level?: string, etag?: string, key?: string): Promise<ServedMap> {
  const response = await fetch(`${server.url}/api/v1/maps/${unit}${level ? `?level=${level}` : ''}`, {
    headers: { ...(etag ? { 'if-none-match': etag } : {}), ...(key ? { authorization: `Bearer ${key}` } : {}) },
  });
  return {
    status: response.status,
    etag: response.headers.get('etag'),
    source: response.headers.get(MAP_SOURCE_HEADER),
    version: response.headers.get(MAP_VERSION_HEADER),
    topology: response.status === 200 ? ((await response.json()) as Topo) : null,
  };
}

/** The rings of a geometry in lon/lat, decoded from the topology's arcs. */
export function rings(topology: Topo, geometry: TopoGeometry): Position[][] {
  const arc = (i: number): Position[] => {
    const raw = topology.arcs[i < 0 ? ~i : i];
    let x = 0;
    let y = 0;
    const points = topology.transform
      ? raw.map(([dx, dy]) => [(x += dx) * topology.transform!.scale[0] + topology.transform!.translate[0], (y += dy) * topology.transform!.scale[1] + topology.transform!.translate[1]] as Position)
      : raw;
    return i < 0 ? [...points].reverse() : points;
  };
  const polygons = geometry.type === 'Polygon' ? [geometry.arcs as number[][]] : (geometry.arcs as number[][][]);
  return polygons.flatMap((p) => p.map((ring) => ring.flatMap((i, k) => arc(i).slice(k === 0 ? 0 : 1))));
}

/** Twice the signed area: negative for a clockwise ring (north up). */
export function signedArea(ring: Position[]): number {
  let sum = 0;
  for (let i = 0; i < ring.length - 1; i++) sum += ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1];
  return sum;
}
