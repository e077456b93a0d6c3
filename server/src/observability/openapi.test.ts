import { Writable } from 'node:stream';
import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppModule } from '../app.module.js';
import { Database } from '../database/database.js';
import { Clock } from '../services/clock.js';
import { createLogging } from './logging.js';
import { buildDocument, ROUTES } from './openapi.js';

describe('the OpenAPI document', () => {
  let db: Database;
  let app: INestApplication;
  let document: OpenAPIObject;

  beforeAll(async () => {
    db = await Database.open({ databaseUrl: null, dataDir: null });
    const logging = await createLogging({ logLevel: 'error', logFormat: 'json' }, new Writable({ write: (_c, _e, done) => done() }));
    const observability = { logging, metricsToken: null, readyChangeLogSeconds: 10 };
    app = await NestFactory.create(AppModule.forRoot({ db, clock: Clock.wall(), access: { publicDisplay: false, authFailureLimit: 20 }, observability }), { logger: false });
    document = buildDocument(app, '1.2.3');
  });

  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  const operations = () => Object.entries(document.paths).flatMap(([path, item]) =>
    (['get', 'post', 'put', 'patch', 'delete'] as const).filter((m) => item[m]).map((m) => ({ key: `${m.toUpperCase()} ${path}`, path, op: item[m]! })));

  it('documents every route the application serves, and only those', () => {
    const served = operations().map((o) => o.key).sort();
    expect(served).toEqual(Object.keys(ROUTES).sort());
    expect(served).toContain('POST /api/v1/events');
    expect(served).toContain('GET /metrics');
  });

  it('gives every operation a summary, a success answer, its errors and a parameter for each path segment', () => {
    for (const { key, path, op } of operations()) {
      expect(op.summary, key).not.toBe('undocumented');
      expect(Object.keys(op.responses).some((s) => s.startsWith('2')), key).toBe(true);
      for (const status of Object.keys(ROUTES[key].errors)) expect(op.responses[status], `${key} ${status}`).toBeDefined();
      for (const [, name] of path.matchAll(/\{(\w+)\}/g)) {
        expect(op.parameters?.some((p) => 'name' in p && p.name === name && p.in === 'path' && p.required), `${key} {${name}}`).toBe(true);
      }
    }
  });

  it('describes request bodies with the schemas that validate them', () => {
    const events = document.components!.schemas!.EventBatch as { properties: { events: { maxItems: number; items: { required: string[]; additionalProperties: boolean } } } };
    expect(events.properties.events.maxItems).toBe(1000);
    expect(events.properties.events.items.required).toEqual(['id', 'campaign', 'metric', 'unit', 'delta', 'occurredAt']);
    expect(events.properties.events.items.additionalProperties).toBe(false);
    const post = document.paths['/api/v1/events'].post!;
    expect(post.requestBody).toMatchObject({ content: { 'application/json': { schema: { $ref: '#/components/schemas/EventBatch' } } } });
    expect(post.security).toEqual([{ key: [] }, { session: [] }]);
  });

  it('resolves every reference', () => {
    const refs = JSON.stringify(document).match(/"\$ref":"[^"]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(20);
    for (const ref of refs) {
      const name = /#\/components\/schemas\/([^"]+)/.exec(ref)?.[1];
      expect(name && document.components!.schemas![name], ref).toBeTruthy();
    }
    expect(document.info).toMatchObject({ title: 'tiendo', version: '1.2.3' });
    expect(document.openapi).toMatch(/^3\./);
  });
});
