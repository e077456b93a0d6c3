/** The rules every request meets before a handler uses it: ids, query parameters, origins, quoted values. */
import { BadRequestException } from '@nestjs/common';
import { code } from '@tiendo/shared/schemas';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/env.js';
import { boundMessage } from './errors.filter.js';
import { originAllowed } from './origins.js';
import { parseId, parseQuery } from './params.js';

const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error instanceof BadRequestException ? String((error.getResponse() as { message: string }).message) : `not a 400: ${error}`;
  }
  return 'accepted';
};

describe('parseId', () => {
  it.each(['1', '8', '2147483647'])('takes %s', (text) => expect(parseId('id', text, 'a key')).toBe(Number(text)));

  it.each(['0x8', '1e3', '08', '-1', ' 8', '8 ', '8.0', '+8', '0', '', '８', 'Infinity', '0b1'])('refuses %j', (text) => {
    expect(refusal(() => parseId('id', text, 'a key'))).toMatch(/^id: expected a key as a decimal number such as 8, got "/);
  });

  it('refuses a number past PostgreSQL integers', () => {
    expect(refusal(() => parseId('id', '2147483648', 'a key'))).toBe('id: must be at most 2147483647');
    expect(refusal(() => parseId('id', '9'.repeat(400), 'a key'))).toBe('id: must be at most 2147483647');
  });
});

describe('parseQuery', () => {
  const shape = { scope: code.optional() };

  it('takes a parameter given once and ignores others', () => {
    expect(parseQuery({ scope: '445', other: ['a', 'b'] }, shape)).toEqual({ scope: '445' });
    expect(parseQuery({}, shape)).toEqual({});
  });

  it('names a repeated parameter and how often it came', () => {
    expect(refusal(() => parseQuery({ scope: ['42', '436'] }, shape))).toBe('scope: given 2 times; give it once');
  });

  it('refuses text the database cannot hold', () => {
    expect(refusal(() => parseQuery({ scope: '4\u00002' }, shape))).toBe('scope: must not contain control characters (such as NUL)');
    expect(refusal(() => parseQuery({ scope: 'x'.repeat(900_000) }, shape))).toBe('scope: must be at most 64 characters');
  });
});

describe('originAllowed', () => {
  it('by default takes the origin of the host asked, and requests without an origin', () => {
    expect(originAllowed(undefined, 'tiendo.vn', null)).toBe(true);
    expect(originAllowed('https://tiendo.vn', 'tiendo.vn', null)).toBe(true);
    expect(originAllowed('http://localhost:5173', 'localhost:5173', null)).toBe(true);
    expect(originAllowed('https://evil.example', 'tiendo.vn', null)).toBe(false);
    expect(originAllowed('https://tiendo.vn:8443', 'tiendo.vn', null)).toBe(false);
    expect(originAllowed('null', 'tiendo.vn', null)).toBe(false);
  });

  it('with a list takes exactly its origins', () => {
    const list = ['https://wall.tiendo.vn'];
    expect(originAllowed('https://wall.tiendo.vn', 'api.tiendo.vn', list)).toBe(true);
    expect(originAllowed('https://WALL.tiendo.vn', 'api.tiendo.vn', list)).toBe(true);
    expect(originAllowed('https://api.tiendo.vn', 'api.tiendo.vn', list)).toBe(false);
    expect(originAllowed('http://wall.tiendo.vn', 'api.tiendo.vn', list)).toBe(false);
  });
});

describe('ALLOWED_ORIGINS and AUTH_FAILURE_LIMIT', () => {
  it('reads a list of origins and a limit', () => {
    const config = loadConfig({ ALLOWED_ORIGINS: ' https://Wall.tiendo.vn/ , http://localhost:5173', AUTH_FAILURE_LIMIT: '50' });
    expect(config.allowedOrigins).toEqual(['https://wall.tiendo.vn', 'http://localhost:5173']);
    expect(config.authFailureLimit).toBe(50);
    expect(loadConfig({}).allowedOrigins).toBeNull();
  });

  it('reports every bad value together', () => {
    expect(() => loadConfig({ ALLOWED_ORIGINS: 'tiendo.vn,https://a.vn/path', AUTH_FAILURE_LIMIT: '0' })).toThrow(
      /ALLOWED_ORIGINS: .*got "tiendo.vn"[\s\S]*ALLOWED_ORIGINS: .*got "https:\/\/a.vn\/path"[\s\S]*AUTH_FAILURE_LIMIT: expected an integer from 1/,
    );
  });
});

describe('boundMessage', () => {
  it('cuts a quoted value to 64 characters, whole characters only', () => {
    const long = '😀'.repeat(100);
    expect(boundMessage(`scope: "${long}" is not a unit`)).toBe(`scope: "${'😀'.repeat(64)}…" is not a unit`);
    expect(boundMessage('scope: "445" is not a unit')).toBe('scope: "445" is not a unit');
  });

  it('keeps a message within 2,000 characters', () => {
    expect(Array.from(boundMessage('x'.repeat(5000)))).toHaveLength(2001);
  });
});
