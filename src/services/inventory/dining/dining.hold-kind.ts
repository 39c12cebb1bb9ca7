/** Dining holds: a hold takes one table for a window; releasing or expiring it frees the table, once. */
import type { HoldKindHandler } from '../holds/hold.kinds.js';
import { describeAllocations, endAllocations } from './table-allocation.repository.js';

/** What a dining hold took, as `details` of the Hold reply. */
export interface DiningHoldDetails {
  readonly table_id: string;
  readonly table_name: string;
  readonly area: string;
  readonly min_seats: number;
  readonly max_seats: number;
  readonly party_size: number;
  /** Venue-local date and time of the seating's start, as asked. */
  readonly date: string;
  readonly time: string;
  /** The seating as instants: `[start, end)`; the table stays blocked `buffer_minutes` longer. */
  readonly start: string;
  readonly end: string;
  readonly duration_minutes: number;
  readonly buffer_minutes: number;
  readonly [key: string]: unknown;
}

export const diningHoldKind: HoldKindHandler = {
  kind: 'dining',
  // A confirmed table can still be given back (a cancelled booking frees its table).
  releasableAfterConfirm: true,
  giveBack: async (trx, holds) => {
    await endAllocations(
      trx,
      holds.map((h) => h.id),
    );
  },
  describe: async (db, holdIds) => {
    const rows = await describeAllocations(db, holdIds);
    return new Map(
      rows.map((r) => {
        const details: DiningHoldDetails = {
          table_id: r.tableId,
          table_name: r.tableName,
          area: r.area,
          min_seats: r.minSeats,
          max_seats: r.maxSeats,
          party_size: r.party,
          date: r.localDate,
          time: r.localTime,
          start: r.start.toISOString(),
          end: new Date(r.start.getTime() + r.durationMinutes * 60_000).toISOString(),
          duration_minutes: r.durationMinutes,
          buffer_minutes: r.bufferMinutes,
        };
        return [r.holdId, details];
      }),
    );
  },
};
