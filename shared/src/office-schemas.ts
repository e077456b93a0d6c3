/** Validation of the office's requests (see `office.ts`), with zod. */
import { z } from 'zod';
import { cleanText, code } from './schemas.js';

const isoDate = z.iso.date('must be a date YYYY-MM-DD');

/** Confirming a sheet of counts: why (when it lowers or revises values), and large amounts confirmed. */
export const countImportConfirmSchema = z.strictObject({
  reason: cleanText(500, { lineBreaks: true }).optional(),
  confirmed: z.boolean('must be true or false').optional(),
});

/** "Phong tỏa COVID xã Sơn Kim 2, 12–20/5": a unit, a date range and what happened. */
export const noteCreateSchema = z
  .strictObject({
    unit: code,
    from: isoDate,
    to: isoDate,
    text: cleanText(300, { lineBreaks: true }),
  })
  .refine((n) => n.from <= n.to, { path: ['to'], message: 'must not be before from' });

/** Taking a note down says why. */
export const noteDeleteSchema = z.strictObject({ reason: cleanText(500, { lineBreaks: true }) });
