/** The Booking as the domain sees it; `rowToBooking` is the one mapper from the table's snake_case. */
import type { Selectable } from 'kysely';
import type { BookingStatus } from './booking.states.js';
import type { BookingTable, InventoryStatus, VenueType } from './booking.tables.js';

export interface Booking {
  readonly id: string;
  readonly reference: string;
  readonly shortId: string;
  readonly idempotencyKey: string | null;
  readonly guest: { readonly id: string; readonly name: string; readonly email: string | null; readonly phone: string | null };
  readonly venue: { readonly id: string; readonly type: VenueType; readonly name: string };
  readonly date: string;
  readonly time: string | null;
  readonly durationMinutes: number | null;
  readonly endTime: Date | null;
  readonly partySize: number;
  readonly status: BookingStatus;
  readonly version: number;
  readonly price: {
    readonly base: number | null;
    readonly tax: number;
    readonly discount: number;
    readonly total: number | null;
    readonly currency: string;
  };
  readonly payment: { readonly intentId: string | null; readonly status: string | null };
  readonly inventory: { readonly holdId: string | null; readonly itemId: string | null; readonly status: InventoryStatus };
  readonly specialRequests: string | null;
  readonly internalNotes: string | null;
  readonly stay: {
    readonly roomTypeId: string;
    readonly roomTypeName: string | null;
    readonly checkIn: string;
    readonly checkOut: string;
    readonly nights: number;
    readonly adults: number;
    readonly children: number;
    readonly roomPrice: number | null;
    readonly mealPlan: string | null;
    readonly marketSegment: string | null;
    readonly bookingChannel: string | null;
    readonly isHoliday: boolean | null;
  } | null;
  readonly source: string;
  readonly metadata: Record<string, unknown>;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly confirmedAt: Date | null;
  readonly cancelledAt: Date | null;
  readonly checkedInAt: Date | null;
  readonly completedAt: Date | null;
  readonly expiresAt: Date | null;
  readonly cancellationReason: string | null;
  readonly cancelledBy: string | null;
  readonly promoCode: string | null;
  /** Captured of the booking's payment, and refunded of that, in minor units. */
  readonly amountCaptured: number;
  readonly amountRefunded: number;
  /** What a cancellation or no-show kept under the policy. */
  readonly cancellationFee: number | null;
}

export function rowToBooking(r: Selectable<BookingTable>): Booking {
  return {
    id: r.id,
    reference: r.booking_reference,
    shortId: r.short_id,
    idempotencyKey: r.idempotency_key,
    guest: { id: r.guest_id, name: r.guest_name, email: r.guest_email, phone: r.guest_phone },
    venue: { id: r.venue_id, type: r.venue_type, name: r.venue_name },
    date: r.booking_date,
    time: r.booking_time === null ? null : r.booking_time.slice(0, 5),
    durationMinutes: r.duration_minutes,
    endTime: r.end_time,
    partySize: r.party_size,
    status: r.status,
    version: r.version,
    price: { base: r.base_price, tax: r.tax_amount, discount: r.discount_amount, total: r.total_price, currency: r.currency },
    payment: { intentId: r.payment_intent_id, status: r.payment_status },
    inventory: { holdId: r.inventory_reservation_id, itemId: r.inventory_item_id, status: r.inventory_status },
    specialRequests: r.special_requests,
    internalNotes: r.internal_notes,
    stay:
      r.venue_type === 'hotel' && r.room_type_id !== null && r.check_in !== null && r.check_out !== null
        ? {
            roomTypeId: r.room_type_id,
            roomTypeName: r.room_type_name,
            checkIn: r.check_in,
            checkOut: r.check_out,
            nights: r.nights ?? 0,
            adults: r.adults ?? r.party_size,
            children: r.children ?? 0,
            roomPrice: r.room_price,
            mealPlan: r.meal_plan,
            marketSegment: r.market_segment,
            bookingChannel: r.booking_channel,
            isHoliday: r.is_holiday,
          }
        : null,
    source: r.source,
    metadata: r.metadata,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    confirmedAt: r.confirmed_at,
    cancelledAt: r.cancelled_at,
    checkedInAt: r.checked_in_at,
    completedAt: r.completed_at,
    expiresAt: r.expires_at,
    cancellationReason: r.cancellation_reason,
    cancelledBy: r.cancelled_by,
    promoCode: r.promo_code,
    amountCaptured: r.amount_captured,
    amountRefunded: r.amount_refunded,
    cancellationFee: r.cancellation_fee,
  };
}
