import { describe, expect, it } from 'vitest';
import { toAppError } from '../../../src/platform/http/error-handler.js';

describe('classifying failures', () => {
  it('answers 503 DATABASE_BUSY, not 500, when the database could not take the work', () => {
    for (const err of [
      Object.assign(new Error('deadlock detected'), { code: '40P01' }),
      Object.assign(new Error('could not serialize access'), { code: '40001' }),
      new Error('timeout exceeded when trying to connect'),
    ]) {
      expect(toAppError(err)).toMatchObject({ code: 'DATABASE_BUSY', status: 503 });
    }
    expect(toAppError(new Error('boom'))).toMatchObject({ code: 'INTERNAL', status: 500 });
  });
});
