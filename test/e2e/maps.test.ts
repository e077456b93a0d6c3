/**
 * Boundary files end to end against the real server: files the tests generate (GeoJSON keyed by
 * name, the same as TopoJSON, a zipped shapefile with a parent column) are matched, reported,
 * stored on confirmation only, served as TopoJSON with ETags, and announced to every socket.
 * Every bad file is a clear 4xx that leaves the served map as it was. The command line import is
 * checked against the same data, and with PostgreSQL, a confirmation on one instance reaches the
 * screens of another.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MapChangedMessage, ServerToClientEvents } from '@tiendo/shared';
import {
  collection, haTinhBoundaries, jsonBytes, mapFeatures, projected, shapefileParts, toTopoJson, UTM_PRJ, zip,
  type FeatureCollection, type ProvinceBoundaries,
} from '../helpers/boundaries.js';
import { waitFor } from '../helpers/live-client.js';
import { confirmMap, getMap, importMap, rings, signedArea, type ServedMap } from '../helpers/maps.js';
import { freshPostgres, removeDir, ROOT, startServer, type ServerProcess } from '../helpers/server.js';

const boundaries: ProvinceBoundaries = haTinhBoundaries();
const communesOf = (district: string) => boundaries.units.filter((u) => u.parent === district).length;

/** Districts by name as a province office writes them: abbreviations, no diacritics, Ð for Đ. */
function districtsByName(): FeatureCollection {
  const written: Record<string, string | null> = {
    436: 'TP. Hà Tĩnh', 437: 'TX Hong Linh', 440: '\u00D0ức Thọ', 443: 'huyện  can lộc', 447: 'Huyện Kỳ Anh',
    449: 'Kỳ Anh', // a huyện and a thị xã are both called Kỳ Anh: ambiguous
    441: null, // Vũ Quang is missing from the file
  };
  const fc = mapFeatures(boundaries.districts, (f) => {
    const code = String(f.properties.ma_huyen);
    if (written[code] === null) return null;
    return { ...f, properties: { ten: written[code] ?? String(f.properties.ten_huyen), dien_tich: 100 } };
  });
  // A district of another province, which is no unit here.
  return collection([...fc.features, { ...fc.features[0], properties: { ten: 'Huyện Hương Trà', dien_tich: 1 } }]);
}

function listen(server: ServerProcess): { socket: Socket<ServerToClientEvents>; messages: MapChangedMessage[] } {
  const socket: Socket<ServerToClientEvents> = io(server.url, { transports: ['websocket'], auth: { key: server.keys.display } });
  const messages: MapChangedMessage[] = [];
  socket.on('mapChanged', (m) => messages.push(m));
  return { socket, messages };
}

describe('boundary maps on the embedded database', () => {
  let server: ServerProcess;

  beforeAll(async () => {
    server = await startServer();
  });

  afterAll(async () => {
    await server?.stop();
    if (server) removeDir(server.dataDir);
  });

  it('serves the schematic before any import, with an ETag that answers 304', async () => {
    const province = await getMap(server, '42', undefined, undefined, server.keys.display);
    expect(province).toMatchObject({ status: 200, source: 'schematic', version: '' });
    expect(province.topology!.objects.districts.geometries).toHaveLength(13);
    expect(await getMap(server, '42', 'district', province.etag!)).toMatchObject({ status: 304, etag: province.etag });
    const district = await getMap(server, '445');
    expect(district.topology!.objects.communes.geometries).toHaveLength(communesOf('445'));
    expect(district.topology!.objects.districts.geometries.map((g) => g.id)).toEqual(['445']);
  });

  it('matches districts written by name, reports what it could not, and shows nothing before confirmation', async () => {
    const before = await getMap(server, '42');
    const { socket, messages } = listen(server);
    await waitFor(() => socket.connected, 5000, 'the socket to connect');
    const { status, body } = await importMap(server, jsonBytes(districtsByName()), { name: 'huyen.geojson' });
    expect(status).toBe(200);
    expect(body).toMatchObject({ proposedLevel: 'district', proposedProperty: 'ten', fileName: 'huyen.geojson', layer: 'huyen' });
    const report = body.report;
    expect(report.matched.map((m) => m.unit.code).sort()).toEqual(['436', '437', '439', '440', '442', '443', '444', '445', '446', '447', '448']);
    expect(report.matched.find((m) => m.unit.code === '437')!.by).toBe('folded');
    expect(report.ambiguous).toEqual([expect.objectContaining({ value: 'Kỳ Anh', candidates: [expect.objectContaining({ code: '447' }), expect.objectContaining({ code: '449' })] })]);
    expect(report.unmatched).toEqual([expect.objectContaining({ value: 'Huyện Hương Trà', reason: 'unknown-name' })]);
    expect(report.missing.map((m) => [m.code, m.reason])).toEqual([['441', 'no-feature'], ['449', 'ambiguous']]);
    expect(body.properties.map((p) => [p.name, p.matched])).toEqual([['ten', 11], ['dien_tich', 0]]);

    // A draft changes nothing on screen.
    expect(await getMap(server, '42', 'district', before.etag!)).toMatchObject({ status: 304 });

    const confirmed = await confirmMap(server, body.importId!);
    expect(confirmed).toMatchObject({ status: 200, body: { version: body.importId, level: 'district', matched: 11, missing: 2, active: true } });
    await waitFor(() => messages.length > 0, 3000, 'mapChanged on the socket');
    expect(messages).toEqual([{ level: 'district', version: body.importId }]);
    socket.close();

    const after = await getMap(server, '42', undefined, before.etag!);
    expect(after).toMatchObject({ status: 200, source: 'mixed', version: `district:${body.importId}` });
    const geometries = after.topology!.objects.districts.geometries;
    expect(geometries.map((g) => g.id).sort()).toEqual(boundaries.units.filter((u) => u.level === 'district').map((u) => u.code).sort());
    // The units the file lacks keep their schematic tile, drawn last and marked.
    expect(geometries.filter((g) => g.properties.schematic).map((g) => g.id)).toEqual(['441', '449']);
    expect(geometries.at(-1)!.properties.schematic).toBe(true);
    // The file's rings were anticlockwise (RFC 7946); d3 wants outer rings clockwise.
    for (const g of geometries.filter((x) => !x.properties.schematic)) expect(signedArea(rings(after.topology!, g)[0])).toBeLessThan(0);

    expect(await confirmMap(server, body.importId!)).toMatchObject({ status: 409, body: { message: `importId: import ${body.importId} was confirmed before` } });
    expect(await confirmMap(server, 999_999)).toMatchObject({ status: 404 });
  });

  it('reads the same districts as TopoJSON', async () => {
    const { status, body } = await importMap(server, jsonBytes(toTopoJson(districtsByName(), 'huyen')), { name: 'huyen.topojson' });
    expect(status).toBe(200);
    expect(body).toMatchObject({ proposedLevel: 'district', proposedProperty: 'ten', layer: 'huyen' });
    expect(body.report.matched).toHaveLength(11);
    expect(body.report.missing.map((m) => m.code)).toEqual(['441', '449']);
  });

  it('imports a zipped shapefile of communes named without codes, told apart by their district column', async () => {
    // Thạch Hạ (TP Hà Tĩnh) and Thị trấn Thạch Hà (huyện Thạch Hà) meet without diacritics.
    const fc = mapFeatures(boundaries.communes, (f) => {
      const code = String(f.properties.ma_xa);
      const name = code === '18100' || code === '18562' ? 'Thach Ha' : String(f.properties.ten_xa);
      return { ...f, properties: { TEN_XA: name, TEN_HUYEN: String(f.properties.ten_huyen) } };
    });
    const parts = shapefileParts(fc);
    const file = zip({ 'ranh_gioi/xa.shp': parts.shp, 'ranh_gioi/xa.dbf': parts.dbf, 'ranh_gioi/xa.prj': parts.prj, 'ranh_gioi/xa.cpg': parts.cpg });
    const { status, body } = await importMap(server, file, { name: 'xa.zip' });
    expect(status).toBe(200);
    expect(body).toMatchObject({ layer: 'xa', proposedLevel: 'commune', proposedProperty: 'TEN_XA', proposedParentProperty: 'TEN_HUYEN' });
    expect(body.report).toMatchObject({ parentProperty: 'TEN_HUYEN', ambiguous: [], unmatched: [], missing: [] });
    expect(body.report.matched).toHaveLength(216);
    expect(body.report.matched.filter((m) => m.value === 'Thach Ha').map((m) => [m.unit.code, m.by])).toEqual([['18100', 'folded'], ['18562', 'folded']]);
    expect(body.size.storedBytes).toBeLessThan(body.size.fileBytes);

    // Without the district column the two are ambiguous, and neither is guessed.
    const alone = await importMap(server, file, { name: 'xa.zip', parentProperty: '' });
    expect(alone.body.report.ambiguous.map((a) => a.candidates.map((c) => c.code))).toEqual([['18100', '18562'], ['18100', '18562']]);

    expect((await confirmMap(server, body.importId!)).status).toBe(200);
    const district = await getMap(server, '445');
    expect(district).toMatchObject({ status: 200, source: 'imported', version: expect.stringContaining(`commune:${body.importId}`) });
    expect(district.topology!.objects.communes.geometries).toHaveLength(communesOf('445'));
    expect(district.topology!.objects.districts.geometries.map((g) => g.id)).toEqual(['445']);
    const province = await getMap(server, '42', 'commune');
    expect(province.topology!.objects.communes.geometries).toHaveLength(216);
    expect(province.topology!.objects.districts.geometries).toHaveLength(13);
  });

  describe('bad files are refused and the map stays as it was', () => {
    const features = boundaries.districts.features;
    const point = collection([{ ...features[0], geometry: { type: 'Point', coordinates: [105.9, 18.3] } as never }]);
    const line = { type: 'Topology', arcs: [[[105.9, 18.3], [106, 18.4]]], objects: { x: { type: 'GeometryCollection', geometries: [{ type: 'LineString', arcs: [0] }] } } };
    const outOfRange = mapFeatures(boundaries.districts, (f, i) => (i === 2 ? { ...f, geometry: { type: 'Polygon', coordinates: [[[200, 18], [201, 18], [201, 19], [200, 18]]] } } : f));
    const utm = shapefileParts(boundaries.districts, UTM_PRJ);
    const wgs = shapefileParts(boundaries.districts);
    interface Case {
      name: string;
      file: Uint8Array | string;
      query?: Record<string, string>;
      status: number;
      message: RegExp;
      key?: string | null;
      contentType?: string;
    }
    const cases: Case[] = [
      { name: 'an empty body', file: '', status: 400, message: /^file: empty$/ },
      { name: 'text that is not JSON', file: 'Mã xã,Tên xã\n18586,Thạch Kênh', status: 400, message: /^file: not GeoJSON, TopoJSON or a zipped shapefile$/ },
      { name: 'broken JSON', file: '{"type": "FeatureCollection", "features": [', status: 400, message: /^file: not valid JSON \(/ },
      { name: 'a single Feature', file: jsonBytes(features[0]), status: 422, message: /^file: a GeoJSON FeatureCollection or a TopoJSON Topology was expected, not a Feature$/ },
      { name: 'a collection without features', file: jsonBytes(collection([])), status: 422, message: /^file: holds no features$/ },
      { name: 'points', file: jsonBytes(point), status: 422, message: /^features\[0\]\.geometry: a Point, but only Polygon and MultiPolygon bound a unit$/ },
      { name: 'TopoJSON lines', file: jsonBytes(line), status: 422, message: /^objects\.x\.geometries\[0\]: a LineString, but only Polygon and MultiPolygon bound a unit$/ },
      { name: 'coordinates out of range', file: jsonBytes(outOfRange), status: 422, message: /^features\[2\]: coordinates \(200, 18\) are out of range/ },
      { name: 'projected coordinates', file: jsonBytes(projected(boundaries.districts)), status: 422, message: /^features\[0\]: coordinates \(\d+, \d+\) are not longitude\/latitude degrees; the file looks projected .*EPSG:4326/ },
      { name: 'a projected .prj', file: zip({ 'h.shp': utm.shp, 'h.dbf': utm.dbf, 'h.prj': utm.prj }), status: 422, message: /^zip: h\.prj says the coordinates are projected \(VN_2000_UTM_Zone_48N\); export the layer in WGS84/ },
      { name: 'a zip without .shp', file: zip({ 'h.dbf': wgs.dbf, 'h.prj': wgs.prj }), status: 422, message: /^zip: holds no \.shp; a shapefile needs its \.shp, \.dbf and \.prj$/ },
      { name: 'a zip without .dbf', file: zip({ 'h.shp': wgs.shp, 'h.prj': wgs.prj }), status: 422, message: /^zip: h\.shp has no h\.dbf beside it/ },
      { name: 'a .shp alone', file: wgs.shp, status: 422, message: /^file: a \.shp alone; zip it with its \.dbf/ },
      { name: 'a file over 50 MB', file: new Uint8Array(50 * 1024 * 1024 + 1).fill(0x20), status: 413, message: /^file: larger than the limit of 50 MB$/ },
      { name: 'a property the file lacks', file: jsonBytes(boundaries.districts), query: { property: 'TEN' }, status: 422, message: /^property: no feature has a property "TEN"; the file has "ma_huyen", "ten_huyen"$/ },
      { name: 'an unknown level', file: jsonBytes(boundaries.districts), query: { level: 'province' }, status: 422, message: /^level: must be district or commune$/ },
      { name: 'a form instead of the file', file: 'x', contentType: 'multipart/form-data; boundary=x', status: 415, message: /send the file itself as the body/ },
      { name: 'no key', file: jsonBytes(boundaries.districts), key: null, status: 401, message: /^Authorization: expected "Bearer <api key>", or sign in$/ },
      { name: 'a display key', file: jsonBytes(boundaries.districts), key: 'display', status: 403, message: /this key \("display"\) may not do this/ },
    ];

    let before: { district: ServedMap; commune: ServedMap; versions: unknown };
    beforeAll(async () => {
      before = {
        district: await getMap(server, '42', 'district'),
        commune: await getMap(server, '445', 'commune'),
        versions: await (await fetch(`${server.url}/api/v1/maps/versions`, { headers: { authorization: `Bearer ${server.keys.admin}` } })).json(),
      };
    });

    it.each(cases)('$name → $status', async ({ file, query, status, message, key, contentType }) => {
      const answer = await importMap(server, file, query, { key: key === 'display' ? server.keys.display : key, contentType });
      expect(answer.status).toBe(status);
      expect(answer.body.message).toMatch(message);
      expect(await getMap(server, '42', 'district', before.district.etag!)).toMatchObject({ status: 304 });
      expect(await getMap(server, '445', 'commune', before.commune.etag!)).toMatchObject({ status: 304 });
    });

    it('stores nothing of a file that names no unit', async () => {
      const nothing = await importMap(server, jsonBytes(mapFeatures(boundaries.districts, (f) => ({ ...f, properties: { ten: 'Quận 1' } }))));
      expect(nothing).toMatchObject({ status: 200, body: { importId: null, report: { matched: [] } } });
      const versions = await (await fetch(`${server.url}/api/v1/maps/versions`, { headers: { authorization: `Bearer ${server.keys.admin}` } })).json();
      expect(versions).toEqual(before.versions);
    });

    it('answers an unknown unit or level with 422', async () => {
      expect((await getMap(server, '18586')).status).toBe(422);
      expect((await getMap(server, '99')).status).toBe(422);
      expect((await getMap(server, '42', 'ward')).status).toBe(422);
    });
  });

  it('imports from the command line into a stopped server, which shows the map when started again', async () => {
    await server.stop();
    const file = join(server.dataDir, 'huyen.geojson');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(file, jsonBytes(boundaries.districts));
    const run = (args: string[]) =>
      new Promise<{ code: number | null; output: string }>((done) => {
        const child = spawn(process.execPath, [join(ROOT, 'server/dist/main.js'), 'maps', ...args], {
          env: { ...process.env, DATA_DIR: server.dataDir, DATABASE_URL: '' },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let output = '';
        child.stdout.on('data', (d) => (output += d));
        child.stderr.on('data', (d) => (output += d));
        child.on('exit', (code) => done({ code, output }));
      });
    const dry = await run(['import', file]);
    expect(dry.code).toBe(0);
    expect(dry.output).toMatch(/level district, property ma_huyen, parent property —/);
    expect(dry.output).toMatch(/matched 13 of 13 units \(13 by code/);
    expect(dry.output).toMatch(/Not stored\. Run again with --yes to store it\./);
    const stored = await run(['import', file, '--level', 'district', '--property', 'ten_huyen', '--yes']);
    expect(stored.output).toMatch(/matched 13 of 13 units \(0 by code, 13 by name/);
    expect(stored.output).toMatch(/Stored: version \d+ is the district map now/);
    expect(stored.code).toBe(0);
    const bad = await run(['import', join(server.dataDir, 'missing.geojson')]);
    expect(bad).toMatchObject({ code: 1, output: expect.stringMatching(/missing\.geojson: no such file/) });

    server = await startServer({ dataDir: server.dataDir });
    const map = await getMap(server, '42');
    expect(map).toMatchObject({ status: 200, source: 'imported' });
    expect(map.topology!.objects.districts.geometries.every((g) => !g.properties.schematic)).toBe(true);
  });
});

describe.skipIf(!process.env.DATABASE_URL)('boundary maps on PostgreSQL, two instances', () => {
  let database: Awaited<ReturnType<typeof freshPostgres>>;
  let a: ServerProcess;
  let b: ServerProcess;

  beforeAll(async () => {
    database = await freshPostgres();
    a = await startServer({ env: { DATABASE_URL: database!.url } });
    b = await startServer({ env: { DATABASE_URL: database!.url } });
  });

  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    for (const s of [a, b]) if (s) removeDir(s.dataDir);
    await database?.drop();
  });

  it('a confirmation on one instance switches the screens of the other', async () => {
    const { socket, messages } = listen(b);
    await waitFor(() => socket.connected, 5000, 'the socket to connect');
    const before = await getMap(b, '42', 'commune');
    const { body } = await importMap(a, jsonBytes(boundaries.communes), { name: 'xa.geojson' });
    expect(body.report.matched).toHaveLength(216);
    expect((await confirmMap(a, body.importId!)).status).toBe(200);
    await waitFor(() => messages.length > 0, 5000, 'mapChanged on the other instance');
    expect(messages).toEqual([{ level: 'commune', version: body.importId }]);
    socket.close();
    const after = await getMap(b, '42', 'commune', before.etag!);
    expect(after).toMatchObject({ status: 200, source: 'imported', version: `commune:${body.importId}` });
  });
});
