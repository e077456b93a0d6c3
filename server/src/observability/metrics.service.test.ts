import { describe, expect, it } from 'vitest';
import { refusedField } from './metrics.service.js';

describe('the field a refusal is counted under', () => {
  it.each([
    ['events[3].delta: must not be 0', 'events[].delta'],
    ['events[3].delta: must not be 0; events[12].unit: must not be empty', 'events[].delta'],
    ['reports[0].total: 4 is below the current value 9', 'reports[].total'],
    ['body: malformed JSON (Unexpected end of JSON input)', 'body'],
    ['Authorization: unknown or revoked api key', 'Authorization'],
    ['events: must hold at least one event', 'events'],
    ['correction would leave cccd_intake of unit 18586 at -3, below zero; nothing of the batch was applied', 'none'],
    ['', 'none'],
  ])('%s → %s', (message, field) => expect(refusedField(message)).toBe(field));
});
