/**
 * Changing a booking (PUT /api/v1/bookings/:id, PATCH /bookings/:id): all or nothing, over several
 * services. When what it occupies changes (dates, time, party size, room type), a new hold is taken
 * first (confirmed if the booking is) and the booking re-priced, paying the difference on a new
 * payment when it costs more than was paid; then one transaction makes the versioned update, its
 * event and its tasks (release the old hold, refund a lower price or the replaced payment). A lost
 * race releases the new hold and refunds the new payment.
 *
 * Not recorded yet: a crash between the new hold and the commit leaves a hold that expires, and a new
 * payment only the payment service knows of. Moving this flow onto the saga runner (saga.runner.ts)
 * with recorded steps is the next step.
 */
import { addDays } from '../../../platform/dates.js';
import type { PaymentMethod } from '../clients/payment.client.js';
import type { Actor, BookingContext } from '../booking.context.js';
import { bookingError, versionConflict } from '../booking.errors.js';
import { bookingPayload, event } from '../booking.events.js';
import type { Booking } from '../booking.model.js';
import { abandonHold, holdKey, place, type Placement } from '../booking.placement.js';
import { priceColumns, priceFor, type PriceSnapshot } from '../booking.pricing.js';
import { findBooking, getBooking, updateBooking, writeEvents, type BookingUpdate } from '../booking.repository.js';
import type { BookingStatus } from '../booking.states.js';
import { runTasks } from '../booking.tasks.js';
import { insertTasks, type NewTask } from '../task.repository.js';

/**
 * What a change sets, as each surface maps its body. Kept by name: the `booking.updated` event lists
 * these keys (`changed`), as the routes pass them, so renaming them would change the event.
 */
export interface BookingChanges {
  readonly guestName?: string;
  readonly guestEmail?: string | null;
  readonly guestPhone?: string | null;
  readonly date?: string;
  readonly time?: string;
  readonly durationMinutes?: number;
  readonly partySize?: number;
  readonly roomTypeId?: string;
  readonly checkOut?: string;
  readonly nights?: number;
  readonly adults?: number;
  readonly children?: number;
  readonly specialRequests?: string | null;
  readonly internalNotes?: string | null;
  readonly metadata?: Record<string, unknown>;
  /** Pays the new total when a change costs more than was paid. */
  readonly paymentMethod?: PaymentMethod;
}

const MODIFIABLE: readonly BookingStatus[] = ['PENDING', 'CONFIRMED'];

/**
 * Changes a booking, all or nothing. When what it occupies changes (dates, time, party size, room
 * type), a new hold is taken first; the old one is released only after the change commits.
 */
export async function updateBookingDetails(
  ctx: BookingContext,
  id: string,
  expectedVersion: number,
  changes: BookingChanges,
  actor: Actor,
): Promise<Booking> {
  const current = await getBooking(ctx.db, id);
  if (current.version !== expectedVersion) throw versionConflict(current, expectedVersion);
  if (!MODIFIABLE.includes(current.status)) {
    throw bookingError(
      'BOOKING_NOT_MODIFIABLE',
      current.status === 'CANCELLED'
        ? 'Booking has been cancelled and cannot be modified'
        : `A ${current.status} booking cannot be modified.`,
      { status: current.status },
    );
  }
  const now = ctx.clock.now();
  const date = changes.date ?? current.date;
  const stay = current.stay;
  const moves =
    (changes.date !== undefined && changes.date !== current.date) ||
    (changes.time !== undefined && changes.time !== current.time) ||
    (changes.durationMinutes !== undefined && changes.durationMinutes !== current.durationMinutes) ||
    (changes.partySize !== undefined && changes.partySize !== current.partySize && current.venue.type !== 'hotel') ||
    (changes.roomTypeId !== undefined && changes.roomTypeId !== stay?.roomTypeId) ||
    (changes.checkOut !== undefined && changes.checkOut !== stay?.checkOut) ||
    (changes.nights !== undefined && changes.nights !== stay?.nights) ||
    (changes.adults !== undefined && changes.adults !== stay?.adults);

  let placement: Placement | undefined;
  let price: PriceSnapshot | undefined;
  let newIntent: { id: string; amount: number } | undefined;
  if (moves) {
    if (date !== current.date && date < now.toISOString().slice(0, 10))
      throw bookingError('BOOKING_IN_PAST', 'Cannot book for a past date.');
    const checkOut =
      changes.checkOut ??
      (changes.nights !== undefined ? undefined : stay && changes.date !== undefined ? addDays(date, stay.nights) : stay?.checkOut);
    placement = await place(
      ctx,
      {
        venueId: current.venue.id,
        venueType: current.venue.type,
        date,
        time: changes.time ?? current.time,
        durationMinutes: changes.durationMinutes ?? current.durationMinutes,
        partySize: changes.partySize ?? current.partySize,
        roomTypeId: changes.roomTypeId ?? stay?.roomTypeId,
        checkOut,
        nights: changes.nights,
        adults: changes.adults ?? stay?.adults,
      },
      holdKey(id, expectedVersion + 1),
    );
    const held = placement;
    try {
      // Re-quoted without the promo code (its use is already this booking's); its discount carries over.
      const quoted = await priceFor(ctx, {
        venueId: current.venue.id,
        venueType: current.venue.type,
        currency: current.price.currency,
        roomTypeId: held.row.room_type_id,
        checkIn: held.row.check_in,
        checkOut: held.row.check_out,
        nightlyPrice: held.row.room_price,
        nights: held.row.nights,
        date,
        time: held.row.booking_time,
        partySize: changes.partySize ?? current.partySize,
      });
      const carried = Math.min(current.price.discount, quoted.total ?? 0);
      price = {
        ...quoted,
        discount: quoted.discount + carried,
        total: quoted.total === null ? null : quoted.total - carried,
        promoCode: current.promoCode,
      };
      const paid = current.amountCaptured - current.amountRefunded;
      if (paid > 0 && (price.total ?? 0) > paid) {
        // It costs more than was paid: charge the new total on a new payment, refund the old one in full.
        if (changes.paymentMethod === undefined) {
          throw bookingError(
            'PAYMENT_REQUIRED',
            `The changed booking costs ${price.total} ${price.currency}; ${paid} was paid. Send a payment_method to pay the new total.`,
            {
              new_total: price.total,
              paid,
            },
          );
        }
        const intent = await ctx.payment.createIntent(
          { amount: price.total!, currency: price.currency, booking_id: id, description: `Booking ${current.reference} (changed)` },
          `booking:${id}:intent:v${expectedVersion + 1}`,
        );
        await ctx.payment.authorize(intent.id, changes.paymentMethod, `booking:${id}:authorize:v${expectedVersion + 1}`);
        await ctx.payment.capture(intent.id, `booking:${id}:capture:v${expectedVersion + 1}`);
        newIntent = { id: intent.id, amount: price.total! };
      }
      if (current.status === 'CONFIRMED') await ctx.inventory.confirmHold(held.hold.id);
    } catch (err) {
      await abandonHold(ctx, held.hold.id, 'booking update failed');
      if (newIntent !== undefined)
        await ctx.payment
          .refund(newIntent.id, newIntent.amount, 'booking update failed', `booking:${id}:refund:v${expectedVersion + 1}`)
          .catch(() => undefined);
      throw err;
    }
  }

  try {
    const { booking, taskIds } = await ctx.db.transaction().execute(async (trx) => {
      const row: BookingUpdate = { updated_at: now };
      if (changes.guestName !== undefined) row.guest_name = changes.guestName;
      if (changes.guestEmail !== undefined) row.guest_email = changes.guestEmail;
      if (changes.guestPhone !== undefined) row.guest_phone = changes.guestPhone;
      if (changes.specialRequests !== undefined) row.special_requests = changes.specialRequests;
      if (changes.internalNotes !== undefined) row.internal_notes = changes.internalNotes;
      let metadata: Record<string, unknown> =
        changes.metadata !== undefined ? { ...current.metadata, ...changes.metadata } : current.metadata;
      if (changes.partySize !== undefined) row.party_size = changes.partySize;
      if (changes.children !== undefined) row.children = changes.children;
      if (changes.adults !== undefined) row.adults = changes.adults;
      if (stay !== null && (changes.adults !== undefined || changes.children !== undefined) && changes.partySize === undefined) {
        row.party_size = (changes.adults ?? stay.adults) + (changes.children ?? stay.children);
      }
      const tasks: NewTask[] = [];
      if (placement !== undefined) {
        Object.assign(row, placement.row, {
          booking_date: date,
          inventory_reservation_id: placement.hold.id,
          inventory_status: current.status === 'CONFIRMED' ? 'CONFIRMED' : 'HELD',
        });
        if (current.inventory.holdId !== null) {
          tasks.push({
            bookingId: id,
            action: 'release_hold',
            holdId: current.inventory.holdId,
            callKey: `release:${current.inventory.holdId}`,
            reason: 'booking changed',
          });
        }
      }
      if (price !== undefined) {
        const columns = priceColumns(price, metadata, undefined);
        metadata = JSON.parse(columns.metadata) as Record<string, unknown>;
        Object.assign(row, {
          base_price: columns.base_price,
          discount_amount: columns.discount_amount,
          tax_amount: columns.tax_amount,
          total_price: columns.total_price,
        });
        const paid = current.amountCaptured - current.amountRefunded;
        const intentId = current.payment.intentId;
        if (newIntent !== undefined && intentId !== null) {
          tasks.push({
            bookingId: id,
            action: 'refund_payment',
            intentId,
            amount: paid,
            callKey: `booking:${id}:refund:v${expectedVersion + 1}`,
            reason: 'replaced by a new payment',
          });
          metadata = {
            ...metadata,
            replaced_payment_intents: [...((metadata.replaced_payment_intents as string[] | undefined) ?? []), intentId],
          };
          Object.assign(row, {
            payment_intent_id: newIntent.id,
            payment_status: 'succeeded',
            amount_captured: newIntent.amount,
            amount_refunded: 0,
          });
        } else if (paid > 0 && intentId !== null && price.total !== null && price.total < paid) {
          const refund = paid - price.total;
          tasks.push({
            bookingId: id,
            action: 'refund_payment',
            intentId,
            amount: refund,
            callKey: `booking:${id}:refund:v${expectedVersion + 1}`,
            reason: 'booking changed',
          });
          Object.assign(row, { amount_refunded: current.amountRefunded + refund, payment_status: 'partially_refunded' });
        }
      }
      if (changes.metadata !== undefined || price !== undefined) row.metadata = JSON.stringify(metadata);
      const updated = await updateBooking(trx, id, { version: expectedVersion, statuses: MODIFIABLE }, row);
      if (updated === undefined) throw versionConflict(await findBooking(trx, id), expectedVersion);
      await writeEvents(trx, id, [
        event(
          'booking.updated',
          { ...bookingPayload(updated), changed: Object.keys(changes).filter((k) => k !== 'paymentMethod'), changed_by: actor.id },
          now,
        ),
      ]);
      return { booking: updated, taskIds: await insertTasks(trx, tasks, now) };
    });
    await runTasks(ctx, taskIds);
    return booking;
  } catch (err) {
    if (placement !== undefined) await abandonHold(ctx, placement.hold.id, 'booking update failed');
    if (newIntent !== undefined)
      await ctx.payment
        .refund(newIntent.id, newIntent.amount, 'booking update failed', `booking:${id}:refund:v${expectedVersion + 1}`)
        .catch(() => undefined);
    throw err;
  }
}
