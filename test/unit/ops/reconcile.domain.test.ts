/**
 * The reconciliation's comparisons on hand-made facts: what counts as a problem, and what is work in
 * flight (a running saga, a decided task) that must not be mistaken for one.
 */
import { describe, expect, it } from 'vitest';
import { CHECKS, compare, type ReconcileFacts } from '../../../src/ops/reconcile.domain.js';
import type { BookingFact, OpenTask } from '../../../src/services/booking/booking.reconcile.js';
import type { IntentFact } from '../../../src/services/payment/payment.reconcile.js';

const NOW = new Date('2026-01-15T12:00:00Z');
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000);
const options = { deadlineMs: 10 * 60_000 };

function booking(over: Partial<BookingFact> = {}): BookingFact {
  return {
    id: 'b1',
    status: 'CONFIRMED',
    holdId: 'h1',
    intentId: 'pi_1',
    replacedIntentIds: [],
    promoCode: null,
    amountCaptured: 100,
    amountRefunded: 0,
    ...over,
  };
}

function intent(over: Partial<IntentFact> = {}): IntentFact {
  return {
    id: 'pi_1',
    status: 'succeeded',
    bookingId: 'b1',
    currency: 'GBP',
    createdAt: minutesAgo(1),
    ledgerCaptured: 100,
    ledgerRefunded: 0,
    ...over,
  };
}

function task(over: Partial<OpenTask>): OpenTask {
  return {
    id: 1,
    bookingId: 'b1',
    action: 'release_hold',
    holdId: null,
    intentId: null,
    amount: null,
    promoCode: null,
    createdAt: minutesAgo(1),
    attempts: 1,
    lastError: null,
    ...over,
  };
}

function facts(
  over: { bookings?: BookingFact[]; tasks?: OpenTask[]; intents?: IntentFact[]; holds?: ReconcileFacts['inventory']['holds'] } = {},
): ReconcileFacts {
  return {
    inventory: {
      nights: [],
      direct: [],
      stock: [],
      allocations: [],
      holds: over.holds ?? [{ id: 'h1', kind: 'lodging', status: 'CONFIRMED' }],
    },
    booking: { bookings: over.bookings ?? [booking()], tasks: over.tasks ?? [], sagas: [] },
    pricing: { uses: [], redemptions: [] },
    payment: { intents: over.intents ?? [intent()], ledger: [] },
  };
}

const checks = (f: ReconcileFacts, opts = options) => compare(f, NOW, opts).problems.map((p) => p.check);

describe('compare', () => {
  it('is clean when a paid, confirmed booking holds its confirmed hold and its ledger', () => {
    expect(compare(facts(), NOW, options)).toEqual({ problems: [], checks: CHECKS.length });
  });

  it('lets a completed stay keep its confirmed hold, and a cancelled booking release it through a pending task', () => {
    expect(checks(facts({ bookings: [booking({ status: 'COMPLETED' })] }))).toEqual([]);
    const cancelled = booking({ status: 'CANCELLED', amountRefunded: 100 });
    expect(checks(facts({ bookings: [cancelled] }))).toEqual(['hold-unbooked', 'booking-payment']);
    const pending = [task({ holdId: 'h1' }), task({ id: 2, action: 'refund_payment', intentId: 'pi_1', amount: 100 })];
    expect(checks(facts({ bookings: [cancelled], tasks: pending }))).toEqual([]);
  });

  it('counts a replaced intent in the booking’s ledger, and a captured intent nobody names as unattached', () => {
    const changed = booking({ intentId: 'pi_2', replacedIntentIds: ['pi_1'], amountCaptured: 150 });
    const intents = [intent({ ledgerRefunded: 100 }), intent({ id: 'pi_2', ledgerCaptured: 150 })];
    expect(checks(facts({ bookings: [changed], intents }))).toEqual([]);
    expect(checks(facts({ bookings: [booking({ intentId: 'pi_2', amountCaptured: 150 })], intents }))).toEqual([]);
    const kept = [intent(), intent({ id: 'pi_2', ledgerCaptured: 150 })];
    expect(checks(facts({ bookings: [booking({ intentId: 'pi_2', amountCaptured: 150 })], intents: kept }))).toEqual([
      'payment-unattached',
    ]);
  });

  it('reports an authorization nobody names only once it is past the deadline', () => {
    const authorized = intent({ id: 'pi_9', status: 'requires_capture', ledgerCaptured: 0, bookingId: null });
    expect(checks(facts({ intents: [intent(), authorized] }))).toEqual([]);
    expect(checks(facts({ intents: [intent(), { ...authorized, createdAt: minutesAgo(11) }] }))).toEqual(['payment-unattached']);
  });

  it('ignores the objects of a booking whose create saga is still running, until the saga is late', () => {
    const f = facts({ bookings: [booking({ status: 'PENDING', amountCaptured: 0 })] });
    expect(checks(f)).toEqual(['booking-payment']);
    const running = {
      id: 's1',
      bookingId: 'b1',
      kind: 'create',
      step: 'authorized',
      holdIds: ['h1'],
      startedAt: minutesAgo(1),
      updatedAt: minutesAgo(1),
    };
    expect(checks({ ...f, booking: { ...f.booking, sagas: [running] } })).toEqual([]);
    expect(checks({ ...f, booking: { ...f.booking, sagas: [{ ...running, updatedAt: minutesAgo(10) }] } })).toEqual(['saga-overdue']);
  });

  it("takes a running change saga's new hold, confirmed before the commit names it, for work in flight", () => {
    const holds = [
      { id: 'h1', kind: 'lodging', status: 'CONFIRMED' },
      { id: 'h2', kind: 'lodging', status: 'CONFIRMED' },
    ] as const;
    const f = facts({ holds: [...holds] });
    expect(checks(f)).toEqual(['hold-unbooked']);
    const change = {
      id: 's2',
      bookingId: 'b1',
      kind: 'change',
      step: 'hold_confirmed',
      holdIds: ['h2'],
      startedAt: minutesAgo(1),
      updatedAt: minutesAgo(1),
    };
    expect(checks({ ...f, booking: { ...f.booking, sagas: [change] } })).toEqual([]);
  });

  it('keeps a promo use for a no-show, gives it back for a cancellation, and skips what it is told to', () => {
    const f = (status: BookingFact['status']): ReconcileFacts => ({
      ...facts({ bookings: [booking({ status, promoCode: 'SPRING', holdId: null })], holds: [] }),
      pricing: { uses: [], redemptions: [{ code: 'SPRING', bookingId: 'b1' }] },
    });
    expect(checks(f('NO_SHOW'))).toEqual([]);
    expect(checks(f('CANCELLED'))).toEqual(['promo-redemption']);
    expect(compare(f('CANCELLED'), NOW, { ...options, skip: ['promo-redemption'] })).toEqual({ problems: [], checks: CHECKS.length - 1 });
  });
});
