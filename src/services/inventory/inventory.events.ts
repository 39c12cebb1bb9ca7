/**
 * Inventory's domain events (rule 6), written to `inventory.outbox_event` in the transaction of the
 * change they describe:
 *
 * - `hold.expired` (aggregate: the hold): a HELD hold passed its expiry and its inventory went back on
 *   sale — by the sweep, or on the spot when a confirm, shorten or take found it expired;
 * - `stock.low` (aggregate: the product id): a hold, a sale (reduce) or a new quantity took a retail
 *   item's available units (quantity − reserved) from at least its `low_stock_threshold` to under it.
 *   Written on the crossing only; the next one needs available back at or above the threshold first.
 */
import { newEvent, type NewEvent } from '../../platform/events/envelope.js';
import { writeOutbox } from '../../platform/events/outbox.js';
import type { HoldKind, InventoryTrx } from './inventory.tables.js';

export const INVENTORY_EVENT_SOURCE = 'inventory-service';

export function holdExpiredEvent(
  hold: { id: string; kind: HoldKind; venueId: string | null; expiresAt: Date },
  held: Record<string, unknown>,
  at: Date,
): NewEvent {
  return newEvent(
    INVENTORY_EVENT_SOURCE,
    'hold.expired',
    hold.id,
    { hold_id: hold.id, venue_id: hold.venueId, kind: hold.kind, status: 'EXPIRED', expires_at: hold.expiresAt.toISOString(), held },
    at,
  );
}

/** `stock.low` if `before → after` crosses the threshold downwards; nothing otherwise. */
export function stockLowEvents(
  item: { productId: string; venueId: string | null; availableQty: number; lowStockThreshold: number },
  availableBefore: number,
  at: Date,
): NewEvent[] {
  const threshold = item.lowStockThreshold;
  if (!(availableBefore >= threshold && item.availableQty < threshold)) return [];
  return [
    newEvent(
      INVENTORY_EVENT_SOURCE,
      'stock.low',
      item.productId,
      { product_id: item.productId, venue_id: item.venueId, available: item.availableQty, threshold },
      at,
    ),
  ];
}

/** Writes the events in the caller's transaction, the one that makes the change they describe. */
export async function writeInventoryEvents(trx: InventoryTrx, events: readonly NewEvent[]): Promise<void> {
  await writeOutbox(trx, 'inventory', events);
}
