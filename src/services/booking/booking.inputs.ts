/**
 * The create use-case's input, derived from the /api/v1 create body (booking.schemas.ts) instead of
 * restating it, so a field added to the contract reaches the saga with its type and nothing to copy.
 * Both surfaces go through `createBookingInput`: /api/v1 with its body as validated, the seed-001
 * `/bookings` with its body rewritten as an /api/v1 one. `pendingBookingRow` is the other end: the
 * row the create saga inserts from that input.
 */
import type { PaymentMethod } from './clients/payment.client.js';
import type { Venue } from './clients/inventory.client.js';
import type { Placement } from './booking.placement.js';
import type { priceColumns } from './booking.pricing.js';
import type { NewBookingRow } from './booking.repository.js';
import type { CreateBookingBody } from './booking.schemas.js';

/** The create body as validated, without the card (a saga option, never stored), its source settled. */
export type CreateBookingInput = Readonly<Omit<CreateBookingBody, 'payment_method' | 'source' | 'guest_id'>> & {
  readonly source: string;
  readonly guest_id: string;
};

/** What the edge adds to a body: the source when the body names none, the key of the request. */
export interface CreateEdge {
  readonly source: string;
  /** The Idempotency-Key header, which wins over the body's idempotency_key. */
  readonly idempotencyKey?: string;
}

/** The one mapping from a create body to the use-case's input and the card to pay with now. */
export function createBookingInput(
  body: CreateBookingBody & { readonly guest_id: string },
  edge: CreateEdge,
): { readonly input: CreateBookingInput; readonly paymentMethod: PaymentMethod | undefined } {
  const { payment_method: paymentMethod, source, idempotency_key: bodyKey, ...fields } = body;
  return { input: { ...fields, source: source ?? edge.source, idempotency_key: edge.idempotencyKey ?? bodyKey }, paymentMethod };
}

/** The PENDING row a create inserts: the input, the venue, what the hold fixed and the price columns. */
export function pendingBookingRow(
  id: string,
  input: CreateBookingInput,
  venue: Pick<Venue, 'id' | 'name'>,
  placement: Placement,
  columns: ReturnType<typeof priceColumns>,
  at: Date,
  expiresAt: Date,
): Omit<NewBookingRow, 'booking_reference' | 'short_id'> {
  return {
    id,
    idempotency_key: input.idempotency_key ?? null,
    guest_id: input.guest_id,
    guest_name: input.guest_name,
    guest_email: input.guest_email ?? null,
    guest_phone: input.guest_phone ?? null,
    venue_id: venue.id,
    venue_type: input.venue_type,
    venue_name: venue.name,
    booking_date: input.booking_date,
    party_size: input.party_size,
    status: 'PENDING',
    payment_intent_id: null,
    payment_status: null,
    inventory_reservation_id: placement.hold.id,
    inventory_status: 'HELD',
    special_requests: input.special_requests ?? null,
    internal_notes: input.internal_notes ?? null,
    adults: input.venue_type === 'hotel' ? (input.adults ?? input.party_size) : null,
    children: input.venue_type === 'hotel' ? (input.children ?? 0) : null,
    meal_plan: input.meal_plan ?? null,
    market_segment: input.market_segment ?? null,
    booking_channel: input.booking_channel ?? null,
    is_holiday: input.is_holiday ?? null,
    source: input.source,
    created_at: at,
    updated_at: at,
    expires_at: expiresAt,
    confirmed_at: null,
    cancelled_at: null,
    checked_in_at: null,
    completed_at: null,
    cancellation_reason: null,
    cancelled_by: null,
    room_type_id: null,
    room_type_name: null,
    check_in: null,
    check_out: null,
    nights: null,
    room_price: null,
    booking_time: null,
    duration_minutes: null,
    end_time: null,
    inventory_item_id: null,
    ...placement.row,
    ...columns,
  };
}
