/**
 * What the test context promises every test file (test/helpers/context.ts): a test that moves the
 * clock and then fails does not leak the moved clock into the next test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../helpers/context.js';

const START = '2026-01-15T12:00:00.000Z';

describe('the clock of a test context', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext({ services: ['inventory'] });
  });
  afterAll(async () => ctx.close());

  it.fails('a test that moves the clock and then fails (expected to fail)', () => {
    ctx.clock.advance(3 * 3_600_000);
    expect(ctx.clock.now().toISOString()).toBe(START);
  });

  it('…leaves the next test the clock it found', () => {
    expect(ctx.clock.now().toISOString()).toBe(START);
  });

  it('a move made by a test is undone after it, whatever the test did', () => {
    ctx.clock.set('2027-06-01T00:00:00Z');
    expect(ctx.clock.now().toISOString()).toBe('2027-06-01T00:00:00.000Z');
  });

  it('…so every test starts where the file set it up', () => {
    expect(ctx.clock.now().toISOString()).toBe(START);
  });
});
