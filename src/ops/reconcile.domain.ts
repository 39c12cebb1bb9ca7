/**
 * The reconciliation's comparisons, as plain functions over facts each service answered about its own
 * schema (`src/services/<service>/<service>.reconcile.ts`). No I/O: `reconcile.ts` gathers the facts,
 * this decides what disagrees. Every problem names its check, the ids involved and what is wrong.
 *
 * Work in flight is not an inconsistency: a booking whose create or change saga is still running has a hold,
 * a promo use or a payment the booking row does not show yet, and a task decided but not yet carried
 * out (release a hold, refund, give a promo use back) is accounted for as decided. Both become problems
 * of their own once they are older than the deadline (`task-overdue`, `saga-overdue`).
 */
import type { BookingFact, OpenTask, RunningSaga } from '../services/booking/booking.reconcile.js';
import type {
  AllocationMismatch,
  DirectMismatch,
  HoldFact,
  NightMismatch,
  StockMismatch,
} from '../services/inventory/inventory.reconcile.js';
import type { IntentFact, LedgerDiscrepancy } from '../services/payment/payment.reconcile.js';
import type { ActiveRedemption, PromoUsesMismatch } from '../services/pricing/pricing.reconcile.js';

/** Every check, in the order they are reported. */
export const CHECKS = [
  // 1. inventory counts
  'night-reserved',
  'night-direct',
  'stock-reserved',
  'table-allocation',
  // 2. holds and bookings
  'hold-unbooked',
  'booking-hold',
  // 3. promo codes
  'promo-uses',
  'promo-redemption',
  // 4. and 5. payments
  'payment-unattached',
  'booking-payment',
  'payment-ledger',
  // 6. work left open
  'task-overdue',
  'saga-overdue',
] as const;
export type CheckName = (typeof CHECKS)[number];

export interface Problem {
  readonly check: CheckName;
  /** The ids involved, by name (`booking_id`, `hold_id`, `room_type_id` + `night`, `code`, `intent_id`, …). */
  readonly ids: Readonly<Record<string, string>>;
  readonly message: string;
}

export interface ReconcileReport {
  readonly problems: readonly Problem[];
  /** How many checks ran (all of `CHECKS`). */
  readonly checks: number;
}

export interface ReconcileFacts {
  readonly inventory: {
    readonly nights: readonly NightMismatch[];
    readonly direct: readonly DirectMismatch[];
    readonly stock: readonly StockMismatch[];
    readonly allocations: readonly AllocationMismatch[];
    readonly holds: readonly HoldFact[];
  };
  readonly booking: {
    readonly bookings: readonly BookingFact[];
    readonly tasks: readonly OpenTask[];
    readonly sagas: readonly RunningSaga[];
  };
  readonly pricing: {
    readonly uses: readonly PromoUsesMismatch[];
    readonly redemptions: readonly ActiveRedemption[];
  };
  readonly payment: {
    readonly intents: readonly IntentFact[];
    readonly ledger: readonly LedgerDiscrepancy[];
  };
}

export interface CompareOptions {
  /** Open tasks and running sagas older than this (by the injected clock) are problems. */
  readonly deadlineMs: number;
  /** Checks not to run (say `hold-unbooked` on data whose holds were sold without bookings, like the demo's). */
  readonly skip?: readonly CheckName[];
}

export const DEFAULT_DEADLINE_MS = 10 * 60_000;

export function isCheckName(name: string): name is CheckName {
  return (CHECKS as readonly string[]).includes(name);
}

/** Statuses in which a booking keeps its hold (a completed stay keeps the nights it used, confirmed). */
const KEEPS_HOLD = new Set<string>(['PENDING', 'CONFIRMED', 'CHECKED_IN', 'COMPLETED']);
/** Statuses in which a booking keeps its promo use (cancel and expiry give it back). */
const KEEPS_PROMO = new Set<string>(['PENDING', 'CONFIRMED', 'CHECKED_IN', 'COMPLETED', 'NO_SHOW']);

export function compare(facts: ReconcileFacts, now: Date, options: CompareOptions): ReconcileReport {
  const problems: Problem[] = [];
  const skip = new Set(options.skip ?? []);
  const add = (check: CheckName, ids: Record<string, string>, message: string) => {
    if (!skip.has(check)) problems.push({ check, ids, message });
  };

  const { bookings, tasks, sagas } = facts.booking;
  const inFlight = new Set(sagas.map((s) => s.bookingId));
  const settled = bookings.filter((b) => !inFlight.has(b.id));
  const openOf = (action: OpenTask['action']) => tasks.filter((t) => t.action === action);

  // 1. Counts inside the inventory schema.
  for (const n of facts.inventory.nights) {
    add(
      'night-reserved',
      { room_type_id: n.roomTypeId, night: n.night },
      `night ${n.night} of ${n.roomTypeId}: reserved ${n.reserved}, but its active holds took ${n.held} and direct reservations ${n.reservedDirect} (expected ${n.held + n.reservedDirect})`,
    );
  }
  for (const n of facts.inventory.direct) {
    add(
      'night-direct',
      { room_type_id: n.roomTypeId, night: n.night },
      `night ${n.night} of ${n.roomTypeId}: reserved_direct ${n.reservedDirect}, but its /rooms operations and adjustments add up to ${n.logged}`,
    );
  }
  for (const s of facts.inventory.stock) {
    add(
      'stock-reserved',
      { item_id: s.itemId, product_id: s.productId },
      `stock ${s.productId}: reserved_qty ${s.reservedQty}, but its HELD retail holds take ${s.held}`,
    );
  }
  for (const a of facts.inventory.allocations) {
    add(
      'table-allocation',
      { hold_id: a.holdId, table_id: a.tableId },
      `table ${a.tableId}: the allocation of hold ${a.holdId} is ${a.active ? 'active' : 'inactive'} while the hold is ${a.holdStatus}`,
    );
  }

  // 2. Holds and bookings.
  const holds = new Map(facts.inventory.holds.map((h) => [h.id, h]));
  const keptHolds = new Set<string>();
  for (const b of bookings) if (b.holdId !== null && KEEPS_HOLD.has(b.status)) keptHolds.add(b.holdId);
  const releasing = new Set(openOf('release_hold').map((t) => t.holdId));
  const inFlightHolds = new Set([
    ...bookings.filter((b) => inFlight.has(b.id) && b.holdId !== null).map((b) => b.holdId),
    ...sagas.flatMap((s) => s.holdIds),
  ]);
  for (const h of facts.inventory.holds) {
    if (h.status !== 'CONFIRMED' || keptHolds.has(h.id) || releasing.has(h.id) || inFlightHolds.has(h.id)) continue;
    add(
      'hold-unbooked',
      { hold_id: h.id },
      `${h.kind} hold ${h.id} is CONFIRMED, but no live booking holds it and no release of it is pending`,
    );
  }
  for (const b of settled) {
    if (b.holdId === null || !KEEPS_HOLD.has(b.status)) continue;
    const hold = holds.get(b.holdId);
    const ids = { booking_id: b.id, hold_id: b.holdId };
    if (hold === undefined) add('booking-hold', ids, `${b.status} booking ${b.id}: its hold ${b.holdId} does not exist`);
    else if (hold.status !== 'HELD' && hold.status !== 'CONFIRMED')
      add('booking-hold', ids, `${b.status} booking ${b.id}: its hold ${b.holdId} is ${hold.status}`);
    else if (b.status !== 'PENDING' && hold.status !== 'CONFIRMED')
      add('booking-hold', ids, `${b.status} booking ${b.id}: its hold ${b.holdId} is only HELD (it will expire)`);
  }

  // 3. Promo codes.
  for (const p of facts.pricing.uses) {
    add('promo-uses', { code: p.code }, `promo code ${p.code}: uses ${p.uses}, but it has ${p.redeemed} active redemptions`);
  }
  const byId = new Map(bookings.map((b) => [b.id, b]));
  const releasingPromo = new Set(openOf('release_promo').map((t) => `${t.promoCode?.toUpperCase()}\u0000${t.bookingId}`));
  const redeemed = new Set<string>();
  for (const r of facts.pricing.redemptions) {
    const key = `${r.code.toUpperCase()}\u0000${r.bookingId}`;
    redeemed.add(key);
    if (inFlight.has(r.bookingId) || releasingPromo.has(key)) continue;
    const b = byId.get(r.bookingId);
    const ids = { code: r.code, booking_id: r.bookingId };
    if (b === undefined)
      add('promo-redemption', ids, `promo code ${r.code}: a use is taken for booking ${r.bookingId}, which does not exist`);
    else if (!KEEPS_PROMO.has(b.status))
      add('promo-redemption', ids, `promo code ${r.code}: a use is still taken for ${b.status} booking ${b.id}, and no release is pending`);
    else if (b.promoCode?.toUpperCase() !== r.code.toUpperCase())
      add(
        'promo-redemption',
        ids,
        `promo code ${r.code}: a use is taken for booking ${b.id}, which uses ${b.promoCode ?? 'no promo code'}`,
      );
  }
  for (const b of settled) {
    if (b.promoCode === null || !KEEPS_PROMO.has(b.status)) continue;
    if (!redeemed.has(`${b.promoCode.toUpperCase()}\u0000${b.id}`))
      add(
        'promo-redemption',
        { code: b.promoCode, booking_id: b.id },
        `${b.status} booking ${b.id} uses promo code ${b.promoCode}, but holds no use of it`,
      );
  }

  // 4. and 5. Payments.
  const intents = new Map(facts.payment.intents.map((i) => [i.id, i]));
  const attached = new Set<string>();
  for (const b of bookings) {
    if (b.intentId !== null) attached.add(b.intentId);
    for (const id of b.replacedIntentIds) attached.add(id);
  }
  for (const i of facts.payment.intents) {
    if (attached.has(i.id) || (i.bookingId !== null && inFlight.has(i.bookingId))) continue;
    const net = i.ledgerCaptured - i.ledgerRefunded;
    const ids = { intent_id: i.id, ...(i.bookingId !== null ? { booking_id: i.bookingId } : {}) };
    if (i.status === 'succeeded' && net > 0) {
      add('payment-unattached', ids, `payment intent ${i.id} keeps ${net} ${i.currency} captured, but no booking names it`);
    } else if (i.status === 'requires_capture' && i.createdAt.getTime() + options.deadlineMs <= now.getTime()) {
      add(
        'payment-unattached',
        ids,
        `payment intent ${i.id} holds an authorization since ${i.createdAt.toISOString()}, but no booking names it`,
      );
    }
  }
  const pendingRefund = new Map<string, number>();
  for (const t of openOf('refund_payment')) pendingRefund.set(t.bookingId, (pendingRefund.get(t.bookingId) ?? 0) + (t.amount ?? 0));
  for (const b of settled) {
    const own = [...(b.intentId !== null ? [b.intentId] : []), ...b.replacedIntentIds];
    if (own.length === 0 && b.amountCaptured === 0) continue;
    const missing = own.filter((id) => !intents.has(id));
    const ledgerNet = own.reduce((sum, id) => sum + (intents.get(id)?.ledgerCaptured ?? 0) - (intents.get(id)?.ledgerRefunded ?? 0), 0);
    const pending = pendingRefund.get(b.id) ?? 0;
    const expected = b.amountCaptured - b.amountRefunded + pending;
    if (ledgerNet !== expected || missing.length > 0) {
      add(
        'booking-payment',
        { booking_id: b.id },
        `booking ${b.id}: captured ${b.amountCaptured} − refunded ${b.amountRefunded}${pending > 0 ? ` + refunds pending ${pending}` : ''} = ${expected}, but the ledger of its intents (${own.join(', ') || 'none'}) nets ${ledgerNet}${missing.length > 0 ? `; unknown intents: ${missing.join(', ')}` : ''}`,
      );
    }
  }
  for (const d of facts.payment.ledger) {
    add(
      'payment-ledger',
      { intent_id: d.intent_id },
      `payment intent ${d.intent_id}: its ledger (authorized ${d.authorized}, released ${d.released}, captured ${d.captured}, refunded ${d.refunded}, refunds ${d.refunds_total}) does not add up to the intent (capturable ${d.amount_capturable}, received ${d.amount_received}, refunded ${d.amount_refunded})`,
    );
  }

  // 6. Work left open past the deadline.
  const due = now.getTime() - options.deadlineMs;
  for (const t of tasks) {
    if (t.createdAt.getTime() > due) continue;
    add(
      'task-overdue',
      { task_id: String(t.id), booking_id: t.bookingId },
      `booking task ${t.id} (${t.action} for booking ${t.bookingId}) open since ${t.createdAt.toISOString()} after ${t.attempts} attempts${t.lastError !== null ? `; last error: ${t.lastError}` : ''}`,
    );
  }
  for (const s of sagas) {
    if (s.updatedAt.getTime() > due) continue;
    add(
      'saga-overdue',
      { saga_id: s.id, booking_id: s.bookingId },
      `${s.kind} saga ${s.id} of booking ${s.bookingId} still running at step ${s.step}, untouched since ${s.updatedAt.toISOString()}`,
    );
  }

  const order = new Map<CheckName, number>(CHECKS.map((c, i) => [c, i]));
  problems.sort((a, b) => order.get(a.check)! - order.get(b.check)!);
  return { problems, checks: CHECKS.filter((c) => !skip.has(c)).length };
}

/** One line per problem: `check  ids  message`. */
export function formatProblem(p: Problem): string {
  const ids = Object.entries(p.ids)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  return `${p.check}\t${ids}\t${p.message}`;
}
