import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { loggerOptions } from '../../../src/platform/observability/logger.js';

function capture(): { logger: pino.Logger; lines: () => string } {
  let out = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      out += chunk.toString();
      done();
    },
  });
  return { logger: pino(loggerOptions('info'), stream), lines: () => out };
}

describe('logger redaction', () => {
  it('replaces guest PII with [REDACTED] at any depth, including inside arrays', () => {
    const { logger, lines } = capture();
    logger.info(
      { guest_name: 'Ada Lovelace', req: { body: { guest_email: 'ada@example.com', nested: { guest_phone: '+44 20 7946 0000' } } } },
      'x',
    );
    logger.info({ bookings: [{ guest_name: 'Grace Hopper' }], payload: { booking: { guestName: 'Alan Turing' } } }, 'y');
    const text = lines();
    for (const secret of ['Ada Lovelace', 'ada@example.com', '+44 20 7946 0000', 'Grace Hopper', 'Alan Turing']) {
      expect(text).not.toContain(secret);
    }
    expect(text.match(/\[REDACTED\]/g)?.length).toBe(5);
  });

  it('keeps other fields as they are', () => {
    const { logger, lines } = capture();
    logger.info({ booking_reference: 'BR-20260101-ABC123', hotel_id: 111 }, 'ok');
    expect(lines()).toContain('BR-20260101-ABC123');
  });
});
