/**
 * A guest's rights over their data (GDPR articles 15 and 17), for the staff who hold it: export
 * everything the booking service holds about a guest, and erase it. Both act only on the bookings
 * the caller may see (an admin: all; a business: its organization's venues), and both are recorded
 * in the audit trail in the same transaction.
 */
import { recordAudit, type AuditActor } from '../../platform/audit/audit.repository.js';
import type { BookingContext } from './booking.context.js';
import { bookingError } from './booking.errors.js';
import type { Booking } from './booking.model.js';
import { listBookings, listHistory, type HistoryEntry } from './booking.repository.js';
import type { BookingScope } from './booking.scope.js';
import type { BookingStatus } from './booking.states.js';
import { eraseGuestData, guestBookingIdsForErasure } from './guest-data.repository.js';

/** A booking not over yet: its guest's data is still needed to serve it. */
const NOT_OVER: readonly BookingStatus[] = ['PENDING', 'CONFIRMED', 'CHECKED_IN'];

export interface GuestExport {
  readonly guestId: string;
  readonly bookings: readonly { readonly booking: Booking; readonly history: readonly HistoryEntry[] }[];
}

export interface Who {
  readonly actor: AuditActor;
  readonly requestId: string;
  readonly scope: BookingScope;
}

const EXPORT_LIMIT = 10_000;

export async function exportGuest(ctx: BookingContext, guestId: string, who: Who): Promise<GuestExport> {
  return ctx.db.transaction().execute(async (trx) => {
    const { bookings } = await listBookings(trx, ctx.pii, { guestId }, EXPORT_LIMIT, 0, who.scope);
    if (bookings.length === 0) throw bookingError('GUEST_NOT_FOUND');
    const withHistory = [];
    for (const booking of bookings) withHistory.push({ booking, history: await listHistory(trx, booking.id) });
    await recordAudit(trx, {
      actor: who.actor,
      action: 'guest.data_exported',
      objectType: 'guest',
      objectId: guestId,
      requestId: who.requestId,
      details: { bookings: bookings.length },
      at: ctx.clock.now(),
    });
    return { guestId, bookings: withHistory };
  });
}

export interface Erasure {
  readonly guestId: string;
  readonly bookingIds: readonly string[];
  readonly alreadyErased: number;
}

export async function eraseGuest(ctx: BookingContext, guestId: string, who: Who): Promise<Erasure> {
  if (who.scope.kind === 'none' || who.scope.kind === 'guest') throw bookingError('GUEST_NOT_FOUND');
  const venueIds = who.scope.kind === 'venues' ? who.scope.venueIds : undefined;
  return ctx.db.transaction().execute(async (trx) => {
    const rows = await guestBookingIdsForErasure(trx, guestId, venueIds);
    if (rows.length === 0) throw bookingError('GUEST_NOT_FOUND');
    const open = rows.filter((r) => NOT_OVER.includes(r.status));
    if (open.length > 0) {
      throw bookingError('GUEST_HAS_ACTIVE_BOOKINGS', undefined, { booking_ids: open.map((r) => r.id) });
    }
    const now = ctx.clock.now();
    const ids = rows.filter((r) => r.guest_erased_at === null).map((r) => r.id);
    const scrubbed = await eraseGuestData(trx, ids, now);
    await recordAudit(trx, {
      actor: who.actor,
      action: 'guest.erased',
      objectType: 'guest',
      objectId: guestId,
      requestId: who.requestId,
      details: {
        bookings: ids.length,
        already_erased: rows.length - ids.length,
        sagas: scrubbed.sagas,
        stored_answers: scrubbed.storedAnswers,
      },
      at: now,
    });
    return { guestId, bookingIds: ids, alreadyErased: rows.length - ids.length };
  });
}
