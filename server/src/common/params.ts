/**
 * Route and query parameters, checked before anything uses them: a repeated query parameter
 * is a mistake to name (`scope: given 2 times`), not a list to guess from; text must be text
 * the database can hold; ids are plain decimal numbers, so `0x8` or `1e3` never names key 8 or
 * key 1000.
 */
import { BadRequestException } from '@nestjs/common';
import { describeIssues } from '@tiendo/shared/schemas';
import { z } from 'zod';

/**
 * The named parameters of a query, each given at most once and valid for its schema; others
 * are ignored. Each is checked with its own schema: an object schema built for every request
 * would be compiled again for every request.
 */
export function parseQuery<S extends z.ZodRawShape>(query: unknown, shape: S): z.infer<z.ZodObject<S>> {
  const given = (query ?? {}) as Record<string, unknown>;
  const parsed: Record<string, unknown> = {};
  const issues: z.core.$ZodIssue[] = [];
  for (const [name, schema] of Object.entries(shape)) {
    const value = given[name];
    if (Array.isArray(value)) throw new BadRequestException(`${name}: given ${value.length} times; give it once`);
    const result = (schema as z.ZodType).safeParse(value);
    if (!result.success) issues.push(...result.error.issues.map((issue) => ({ ...issue, path: [name, ...issue.path] })));
    else if (result.data !== undefined) parsed[name] = result.data;
  }
  if (issues.length) throw new BadRequestException(describeIssues(new z.ZodError(issues)));
  return parsed as z.infer<z.ZodObject<S>>;
}

/** A route parameter checked against a schema: `campaign: must not contain control characters`. */
export function parseParam<T>(name: string, value: string, schema: z.ZodType<T>): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new BadRequestException(describeIssues(parsed.error).replace(/^body: /, `${name}: `));
  return parsed.data;
}

/** Records are numbered by PostgreSQL's `integer`. */
const MAX_ID = 2_147_483_647;

/** A record number as a route parameter: decimal digits only, no sign, no leading zero. */
export function parseId(name: string, value: string, what: string): number {
  if (!/^[1-9][0-9]*$/.test(value)) throw new BadRequestException(`${name}: expected ${what} as a decimal number such as 8, got "${value}"`);
  if (value.length > 10 || Number(value) > MAX_ID) throw new BadRequestException(`${name}: must be at most ${MAX_ID}`);
  return Number(value);
}
