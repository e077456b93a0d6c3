/**
 * Boundary files end to end against the real server: files the tests generate (GeoJSON keyed by
 * name, the same as TopoJSON, a zipped shapefile with a parent column) are matched, reported,
 * stored on confirmation only, served as TopoJSON with ETags, and announced to every socket.
 * Every bad file is a clear 4xx that leaves the served map as it was. Then the files people can
 * actually download, each checked against the truth of what its features are: a national file
 * numbered 1 to 705, GADM-derived files, one district's communes, repeated names, a shifted
 * file; decisions by hand on confirmation; an earlier version made the map again; compressed
 * answers. The command line import is checked against the same data, and with PostgreSQL, a
 * confirmation on one instance reaches the screens of another.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MapChangedMessage, ServerToClientEvents } from '@tiendo/shared';
import {
  collection, gadmCommunes, gadmDistricts, haTinhBoundaries, isletOf, jsonBytes, mapFeatures, nationalDistricts, projected, shapefileParts, shifted,
  toTopoJson, UTM_PRJ, zip, type FeatureCollection, type Fixture, type ProvinceBoundaries,
} from '../helpers/boundaries.js';
import { waitFor } from '../helpers/live-client.js';
import {
  activateMap, confirmMap, encodedSize, getMap, importMap, mapVersions, rings, signedArea, type ServedMap,
} from '../helpers/maps.js';
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

/** `main.js maps …` on the embedded database of `dataDir`. */
function mapsCommand(args: string[], dataDir: string, command = 'maps'): Promise<{ code: number | null; output: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [join(ROOT, 'server/dist/main.js'), command, ...args], {
      env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('exit', (code) => done({ code, output }));
  });
}

/** Matched features whose unit is not what the feature really is: there must be none. */
const falseMatches = (fixture: Fixture, matched: { feature: number; unit: { code: string } }[]) =>
  matched.filter((m) => fixture.truth[m.feature] !== m.unit.code).map((m) => `#${m.feature} → ${m.unit.code} (is ${fixture.truth[m.feature]})`);

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
    writeFileSync(file, jsonBytes(boundaries.districts));
    const run = (args: string[]) => mapsCommand(args, server.dataDir);
    const dry = await run(['import', file]);
    expect(dry.code).toBe(0);
    expect(dry.output).toMatch(new RegExp(`^Database: embedded, in ${server.dataDir}$`, 'm'));
    expect(dry.output).toMatch(/level district, property ma_huyen, parent property —/);
    expect(dry.output).toMatch(/matched 13 of 13 units \(13 by code/);
    expect(dry.output).toMatch(/Not stored\. Run again with --yes to store it\./);
    // What the file leaves unclear is decided on the command line too, every decision checked.
    const gadm = gadmDistricts(boundaries);
    const gadmFile = join(server.dataDir, 'gadm.json');
    writeFileSync(gadmFile, jsonBytes(gadm.file));
    const kyAnh = gadm.truth.indexOf('449');
    const wrong = await run(['import', gadmFile, '--assign', `${kyAnh}=9999`, '--yes']);
    expect(wrong).toMatchObject({ code: 1, output: expect.stringMatching(new RegExp(`gadm\\.json: overrides\\.${kyAnh}: "9999" is not a district`)) });
    const decided = await run(['import', gadmFile, '--assign', `${kyAnh}=449`, '--exclude', '0', '--yes']);
    expect(decided.output).toMatch(/ambiguous \(1\), not used unless assigned/);
    expect(decided.output).toMatch(/Stored: version \d+ is the district map now/);
    expect(decided.code).toBe(0);
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

describe('files as people can download them, on the embedded database', () => {
  let server: ServerProcess;
  const districtCodes = boundaries.units.filter((u) => u.level === 'district').map((u) => u.code);

  beforeAll(async () => {
    server = await startServer();
  });

  afterAll(async () => {
    await server?.stop();
    if (server) removeDir(server.dataDir);
  });

  it('a national file numbered 1 to 705: no row number is taken for a code; Hà Tĩnh\'s districts are found by name', async () => {
    const national = nationalDistricts(boundaries);
    const { status, body } = await importMap(server, jsonBytes(national.file), { name: 'gadm_VNM_2.json' });
    expect(status).toBe(200);
    expect(body).toMatchObject({ proposedLevel: 'district', proposedProperty: 'NAME_2', report: { typeProperty: 'TYPE_2', conflicts: [], ambiguous: [] } });
    expect(body.properties.filter((p) => p.kind === 'sequential').map((p) => [p.name, p.matched])).toEqual([['id', 0], ['ID_2', 0]]);
    expect(falseMatches(national, body.report.matched)).toEqual([]);
    expect(body.report.matched.map((m) => m.unit.code).sort()).toEqual(districtCodes);
    // The rest of the country lies outside the province: said, and none of it used.
    expect(body.report.outside).toMatchObject({ matched: [] });
    expect(body.report.outside!.features).toHaveLength(705 - 13);

    // Read as codes on purpose, the row numbers 436 to 449 name districts elsewhere: refused, every one.
    const forced = await importMap(server, jsonBytes(national.file), { name: 'gadm_VNM_2.json', property: 'ID_2' });
    expect(forced.body.report.matched).toEqual([]);
    const coded = forced.body.report.unmatched.filter((u) => districtCodes.includes(u.value));
    expect(coded).toHaveLength(13);
    expect(coded.every((u) => u.reason === 'contradicted-code')).toBe(true);
    expect(forced.body.importId).toBeNull();
  });

  it('a GADM-derived province file without a level: districts by name, never by the province\'s name or the row numbers', async () => {
    const gadm = gadmDistricts(boundaries);
    const { status, body } = await importMap(server, jsonBytes(gadm.file), { name: 'gadm36_VNM_2_HaTinh.json' });
    expect(status).toBe(200);
    expect(body).toMatchObject({
      proposedLevel: 'district', levelEvidence: { byCount: 'district', byArea: 'district' },
      proposedProperty: 'NAME_2', proposedParentProperty: null, report: { level: 'district', property: 'NAME_2', parentProperty: null },
    });
    expect(Object.fromEntries(body.properties.map((p) => [p.name, p.kind]))).toMatchObject({ id: 'sequential', ID_2: 'sequential', NAME_1: 'same', NAME_2: 'values' });
    expect(falseMatches(gadm, body.report.matched)).toEqual([]);
    expect(body.report.matched).toHaveLength(10);
    // "Huyện Kỳ Anh" is the huyện; plain "Kỳ Anh" is left to a person.
    expect(body.report.matched.find((m) => m.value === 'Huyện Kỳ Anh')!.unit.code).toBe('447');
    expect(body.report.ambiguous.map((a) => [a.feature, a.reason, a.candidates.map((c) => c.code)])).toEqual([[gadm.truth.indexOf('449'), 'same-name', ['447', '449']]]);
    expect(body.report.missing.map((m) => [m.code, m.reason])).toEqual([['441', 'no-feature'], ['448', 'no-feature'], ['449', 'ambiguous']]);

    // The province's name as the unit column: one unit claimed eleven times is a conflict, not a map.
    const byProvince = await importMap(server, jsonBytes(gadm.file), { name: 'gadm36_VNM_2_HaTinh.json', property: 'NAME_1' });
    expect(byProvince.body.report.matched).toEqual([]);
    expect(byProvince.body.report.conflicts.map((c) => [c.unit.code, c.claims.length])).toEqual([['436', 11]]);

    // With GADM's type column, the thị xã is told from the huyện.
    const typed = gadmDistricts(boundaries, { types: true });
    const withTypes = await importMap(server, jsonBytes(typed.file), { name: 'gadm36_VNM_2_HaTinh.json' });
    expect(withTypes.body.report).toMatchObject({ typeProperty: 'TYPE_2', ambiguous: [] });
    expect(falseMatches(typed, withTypes.body.report.matched)).toEqual([]);
    expect(withTypes.body.report.matched).toHaveLength(11);
  });

  it('a commune file whose ID_3 and feature ids look like codes: neither is proposed, and read as codes they match nothing falsely', async () => {
    const communes = gadmCommunes(boundaries);
    const { body } = await importMap(server, jsonBytes(communes.file), { name: 'gadm36_VNM_3_HaTinh.json' });
    expect(body).toMatchObject({ proposedLevel: 'commune', proposedProperty: 'NAME_3', report: { typeProperty: 'TYPE_3' } });
    expect(falseMatches(communes, body.report.matched)).toEqual([]);
    expect(body.report.matched).toHaveLength(216);
    for (const property of ['ID_3', 'id']) {
      const forced = await importMap(server, jsonBytes(communes.file), { name: 'gadm36_VNM_3_HaTinh.json', property });
      expect(forced.body.properties.find((p) => p.name === property)!.kind).toBe('sequential');
      expect(falseMatches(communes, forced.body.report.matched)).toEqual([]);
    }
  });

  it('refuses to guess the level when the features are as many as districts but as small as communes; takes it when told', async () => {
    const one = gadmCommunes(boundaries, '445');
    const refused = await importMap(server, jsonBytes(one.file), { name: 'xa_thach_ha.json' });
    expect(refused.status).toBe(422);
    expect(refused.body.message).toMatch(
      /^level: cannot tell what the file's 22 features are: by their number districts, by their size \(median [\d.]+ km²\) communes; choose the level \(district or commune\)$/,
    );
    const told = await importMap(server, jsonBytes(one.file), { name: 'xa_thach_ha.json', level: 'commune' });
    expect(told.body).toMatchObject({ proposedLevel: null, report: { level: 'commune' } });
    expect(falseMatches(one, told.body.report.matched)).toEqual([]);
    expect(told.body.report.matched).toHaveLength(22);
    expect(told.body.report.missing).toHaveLength(216 - 22);
  });

  it('reports repeated names and codes as conflicts, using none of their features; an islet apart is merged', async () => {
    // Thạch Hà's polygon labelled Cẩm Xuyên; Đức Thọ's with Can Lộc's code and name; an islet of Nghi Xuân.
    const features = boundaries.districts.features.map((f) => {
      const code = String(f.properties.ma_huyen);
      if (code === '445') return { ...f, properties: { ma_huyen: '446', ten_huyen: 'Huyện Cẩm Xuyên' } };
      if (code === '440') return { ...f, properties: { ma_huyen: '443', ten_huyen: 'Huyện Can Lộc' } };
      return f;
    });
    const nghiXuan = features.find((f) => f.properties.ma_huyen === '442')!;
    const file = collection([...features, isletOf(nghiXuan, { ma_huyen: '442', ten_huyen: 'Huyện Nghi Xuân' })]);
    const { body } = await importMap(server, jsonBytes(file), { name: 'huyen.geojson' });
    /** Where a district really is in the file. */
    const at = (code: string) => boundaries.districts.features.findIndex((f) => f.properties.ma_huyen === code);
    expect(body.report.conflicts.map((c) => [c.unit.code, c.reason, c.claims.map((x) => x.feature)])).toEqual([
      ['443', 'duplicate', [at('440'), at('443')]],
      ['446', 'duplicate', [at('445'), at('446')]],
    ]);
    expect(body.report.merged).toEqual([{ unit: '442', features: [at('442'), features.length] }]);
    expect(body.report.missing.map((m) => [m.code, m.reason])).toEqual([['440', 'no-feature'], ['443', 'conflict'], ['445', 'no-feature'], ['446', 'conflict']]);
    expect(body.report.matched.map((m) => m.unit.code)).not.toContain('443');
  });

  it('matches a file three degrees out to sea, and warns that it lies outside the province', async () => {
    const { status, body } = await importMap(server, jsonBytes(shifted(boundaries.districts, 3)), { name: 'huyen.geojson' });
    expect(status).toBe(200);
    expect(body.report.matched).toHaveLength(13);
    expect(body.report.outside).toMatchObject({ features: body.report.matched.map((m) => m.feature).sort((a, b) => a - b) });
    expect(body.report.outside!.matched).toHaveLength(13);
    expect(body.report.outside!.distanceKm).toBeGreaterThan(200);
    const clean = await importMap(server, jsonBytes(boundaries.districts), { name: 'huyen.geojson' });
    expect(clean.body.report.outside).toBeNull();
  });

  it('applies decisions by hand on confirmation, and refuses bad ones naming the problem, with nothing applied', async () => {
    const gadm = gadmDistricts(boundaries);
    const kyAnh = gadm.truth.indexOf('449');
    const huongSon = gadm.truth.indexOf('439');
    const { body } = await importMap(server, jsonBytes(gadm.file), { name: 'gadm36_VNM_2_HaTinh.json' });
    const before = await getMap(server, '42', 'district');
    const versions = await mapVersions(server);
    const everyFeatureOut = { overrides: Object.fromEntries(gadm.truth.map((_, i) => [i, 'excluded'])) };
    const refusals: [unknown, number, RegExp][] = [
      [{ overrides: { [kyAnh]: '9999' } }, 422, /^overrides\.10: "9999" is not a district of this deployment; give a district's code or "excluded"$/],
      [{ overrides: { [kyAnh]: '18586' } }, 422, /^overrides\.10: "18586" is not a district/],
      [{ overrides: { 11: '449' } }, 422, /^overrides\.11: no feature 11; the file has 11 features, numbered 0 to 10$/],
      [{ overrides: { first: '449' } }, 422, /^overrides\.first: no feature first/],
      [everyFeatureOut, 422, /^overrides: no feature would be left on the map/],
      [{ overrides: 5 }, 400, /^overrides: /],
      [{ decisions: {} }, 400, /^body: Unrecognized key/],
      ['{"overrides": ', 400, /^body: malformed JSON/],
    ];
    for (const [request, status, message] of refusals) {
      const answer = await confirmMap(server, body.importId!, server.keys.admin, request);
      expect([answer.status, answer.body.message]).toEqual([status, expect.stringMatching(message)]);
    }
    expect(await getMap(server, '42', 'district', before.etag!)).toMatchObject({ status: 304 });
    expect(await mapVersions(server)).toEqual(versions);

    const confirmed = await confirmMap(server, body.importId!, server.keys.admin, { overrides: { [kyAnh]: '449', [huongSon]: 'excluded' } });
    expect(confirmed).toMatchObject({ status: 200, body: { version: body.importId, active: true, matched: 10, missing: 3 } });
    const map = await getMap(server, '42', 'district');
    const schematic = map.topology!.objects.districts.geometries.filter((g) => g.properties.schematic).map((g) => g.id);
    expect(schematic).toEqual(['439', '441', '448']);
    expect(map.source).toBe('mixed');
  });

  it('rolls back: an earlier version is the map again, and every screen is told', async () => {
    const first = await importMap(server, jsonBytes(boundaries.districts), { name: 'huyen-2019.geojson' });
    expect((await confirmMap(server, first.body.importId!)).status).toBe(200);
    const second = await importMap(server, jsonBytes(shifted(boundaries.districts, 0.01)), { name: 'huyen-2023.geojson' });
    expect((await confirmMap(server, second.body.importId!)).status).toBe(200);
    const latest = await getMap(server, '42', 'district');
    expect(latest.version).toBe(`district:${second.body.importId}`);

    const { socket, messages } = listen(server);
    await waitFor(() => socket.connected, 5000, 'the socket to connect');
    const back = await activateMap(server, first.body.importId!);
    expect(back).toMatchObject({ status: 200, body: { version: first.body.importId, active: true, fileName: 'huyen-2019.geojson' } });
    await waitFor(() => messages.length > 0, 3000, 'mapChanged on the socket');
    expect(messages).toEqual([{ level: 'district', version: first.body.importId }]);
    socket.close();
    const served = await getMap(server, '42', 'district', latest.etag!);
    expect(served).toMatchObject({ status: 200, source: 'imported', version: `district:${first.body.importId}` });
    expect((await mapVersions(server)).filter((v) => v.active && v.level === 'district').map((v) => v.version)).toEqual([first.body.importId]);

    expect(await activateMap(server, first.body.importId!)).toMatchObject({ status: 200, body: { active: true } });
    const draft = await importMap(server, jsonBytes(boundaries.districts), { name: 'draft.geojson' });
    expect(await activateMap(server, draft.body.importId!)).toMatchObject({ status: 409, body: { message: `version: ${draft.body.importId} is an import not yet confirmed; confirm it instead` } });
    expect(await activateMap(server, 999_999)).toMatchObject({ status: 404, body: { message: 'version: no version 999999' } });
    expect((await activateMap(server, first.body.importId!, server.keys.display)).status).toBe(403);
  });

  it('serves maps and JSON compressed', async () => {
    const url = `${server.url}/api/v1/maps/42?level=district`;
    const raw = await encodedSize(url, 'identity', server.keys.display);
    const gzip = await encodedSize(url, 'gzip', server.keys.display);
    const brotli = await encodedSize(url, 'br', server.keys.display);
    expect([gzip.encoding, brotli.encoding, raw.encoding]).toEqual(['gzip', 'br', null]);
    expect(gzip.bytes).toBeLessThan(raw.bytes / 2);
    expect(brotli.bytes).toBeLessThan(raw.bytes / 2);
    const snapshot = await encodedSize(`${server.url}/api/v1/campaigns/ha-tinh/snapshot?scope=42`, 'gzip', server.keys.display);
    expect(snapshot).toMatchObject({ status: 200, encoding: 'gzip' });
  });
});

describe('the command line on a database without units', () => {
  it('says which database it would use, and refuses an empty one clearly', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tiendo-empty-'));
    try {
      const file = join(dir, 'huyen.geojson');
      writeFileSync(file, jsonBytes(boundaries.districts));
      const none = await mapsCommand(['import', file], join(dir, 'nothing'));
      expect(none.code).toBe(1);
      expect(none.output).toMatch(/^Database: embedded, in .*nothing: there is no database there\. The demo \(npm start\) keeps its database in data\/live: run DATA_DIR=data\/live node server\/dist\/main\.js maps import …/m);
      expect((await mapsCommand([], dir, 'migrate')).code).toBe(0);
      const empty = await mapsCommand(['import', file], dir);
      expect(empty.code).toBe(1);
      expect(empty.output).toContain(`Database: embedded, in ${dir}\nembedded, in ${dir} holds no units: no server has run on it.`);
      expect(empty.output).not.toMatch(/TypeError|Reduce of empty array/);
    } finally {
      removeDir(dir);
    }
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
