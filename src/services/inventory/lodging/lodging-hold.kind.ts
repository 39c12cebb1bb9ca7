/** How lodging holds give back what they took: exactly their hold_night rows, in one UPDATE. */
import type { HoldKindHandler } from '../holds/hold.kinds.js';
import { describeLodgingHolds, giveBackHoldNights } from './room-night.repository.js';

export const lodgingHoldKind: HoldKindHandler = {
  kind: 'lodging',
  // A confirmed stay can still be cancelled: its nights go back on sale.
  releasableAfterConfirm: true,
  giveBack: async (trx, holds) =>
    giveBackHoldNights(
      trx,
      holds.map((h) => h.id),
    ),
  describe: async (db, holdIds) => {
    const rows = await describeLodgingHolds(db, holdIds);
    return new Map(
      rows.map((r) => [
        r.hold_id,
        {
          room_type_id: r.room_type_id,
          check_in: r.check_in,
          check_out: r.check_out,
          booked_check_out: r.booked_check_out,
          quantity: r.quantity,
          nights: r.nights,
        },
      ]),
    );
  },
};
