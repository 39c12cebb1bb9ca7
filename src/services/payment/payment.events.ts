/**
 * Payment's domain events (rule 6), written to `payment.outbox_event` in the transaction that settles
 * the provider's answer (provider-call.service.ts `apply`) or cancels an intent with nothing to void:
 *
 * - `payment.authorized`: the card was approved; the amount is held (`requires_capture`);
 * - `payment.failed`: the card was declined (the intent stays `requires_payment_method`); a call the
 *   provider never received changes nothing and writes nothing;
 * - `payment.captured`: the money was taken (`succeeded`); any rest of the authorization released;
 * - `payment.refunded`: a refund was made (the intent stays `succeeded`; `amount_refunded` totals it);
 * - `payment.canceled`: the intent was canceled (an authorization, if any, voided).
 *
 * The aggregate is the payment intent. Payloads carry ids, amounts (minor units) and statuses, never
 * card numbers or anything of the guest's.
 */
import { newEvent, type NewEvent } from '../../platform/events/envelope.js';
import { writeOutbox } from '../../platform/events/outbox.js';
import type { PaymentIntent, Refund } from './payment.model.js';
import type { PaymentTrx } from './payment.tables.js';

export const PAYMENT_EVENT_SOURCE = 'payment-service';

export const PAYMENT_EVENT_TYPES = [
  'payment.authorized',
  'payment.failed',
  'payment.captured',
  'payment.refunded',
  'payment.canceled',
] as const;
export type PaymentEventType = (typeof PAYMENT_EVENT_TYPES)[number];

/** What every payment event says of the intent. */
export function paymentPayload(intent: PaymentIntent): Record<string, unknown> {
  return {
    payment_id: intent.id,
    booking_id: intent.bookingId,
    venue_id: intent.venueId,
    amount: intent.amount,
    currency: intent.currency,
    status: intent.status,
    amount_capturable: intent.amountCapturable,
    amount_received: intent.amountReceived,
    amount_refunded: intent.amountRefunded,
  };
}

export function paymentEvent(type: PaymentEventType, intent: PaymentIntent, extra: Record<string, unknown>, at: Date): NewEvent {
  return newEvent(PAYMENT_EVENT_SOURCE, type, intent.id, { ...paymentPayload(intent), ...extra }, at);
}

export function refundedEvent(intent: PaymentIntent, refund: Refund, at: Date): NewEvent {
  return paymentEvent('payment.refunded', intent, { refund_id: refund.id, refunded_amount: refund.amount }, at);
}

/** Writes the events in the caller's transaction, the one that makes the change they describe. */
export async function writePaymentEvents(trx: PaymentTrx, events: readonly NewEvent[]): Promise<void> {
  await writeOutbox(trx, 'payment', events);
}
