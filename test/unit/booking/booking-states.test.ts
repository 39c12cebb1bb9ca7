/**
 * The code's state machine (booking.states.ts) pinned cell by cell: every (from, to) pair of the seven
 * statuses against an explicit table written from seed 004, so that adding, dropping or moving one
 * transition fails a test named after that cell.
 */
import { describe, expect, it } from 'vitest';
import { BOOKING_STATUSES, canTransition, TRANSITIONS, type BookingStatus } from '../../../src/services/booking/booking.states.js';

const ALL = ['PENDING', 'CONFIRMED', 'CHECKED_IN', 'COMPLETED', 'CANCELLED', 'NO_SHOW', 'EXPIRED'] as const;

/**
 * Seed 004: PENDING → CONFIRMED | CANCELLED | EXPIRED; CONFIRMED → CHECKED_IN | CANCELLED | COMPLETED |
 * NO_SHOW; CHECKED_IN → COMPLETED | CANCELLED; terminal: COMPLETED, CANCELLED, NO_SHOW, EXPIRED.
 * A row per from, a column per to; `x` is allowed, `.` refused (a status to itself included).
 */
const TABLE = `
              PENDING  CONFIRMED  CHECKED_IN  COMPLETED  CANCELLED  NO_SHOW  EXPIRED
  PENDING        .         x          .           .          x         .        x
  CONFIRMED      .         .          x           x          x         x        .
  CHECKED_IN     .         .          .           x          x         .        .
  COMPLETED      .         .          .           .          .         .        .
  CANCELLED      .         .          .           .          .         .        .
  NO_SHOW        .         .          .           .          .         .        .
  EXPIRED        .         .          .           .          .         .        .
`;

const [header, ...rows] = TABLE.trim()
  .split('\n')
  .map((line) => line.trim().split(/\s+/));
const cells = rows.flatMap(([from, ...marks]) => marks.map((mark, j) => ({ from: from!, to: header![j]!, allowed: mark === 'x' })));

describe('the booking state machine', () => {
  it('has exactly the seven statuses of seed 004', () => {
    expect([...BOOKING_STATUSES].sort()).toEqual([...ALL].sort());
    expect(Object.keys(TRANSITIONS).sort()).toEqual([...ALL].sort());
  });

  it('is checked over all 49 pairs', () => {
    expect(header).toEqual([...ALL]);
    expect(rows.map((r) => r[0])).toEqual([...ALL]);
    expect(cells).toHaveLength(49);
    expect(cells.filter((c) => c.allowed)).toHaveLength(9);
  });

  it.each(cells)('$from → $to: allowed = $allowed', ({ from, to, allowed }) => {
    expect(canTransition(from as BookingStatus, to as BookingStatus)).toBe(allowed);
    expect(TRANSITIONS[from as BookingStatus].includes(to as BookingStatus)).toBe(allowed);
  });

  it('lists each allowed transition once', () => {
    for (const from of ALL) expect(new Set(TRANSITIONS[from]).size, from).toBe(TRANSITIONS[from].length);
  });
});
