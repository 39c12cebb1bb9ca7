/**
 * Retail stock use-cases, shared by /api/v1 and /api/inventory. Each opens its one transaction, takes
 * its idempotency key in it when the caller sent one, and decides with a conditional UPDATE. When a
 * take would be refused, expired holds on the item are reclaimed first and the take is tried once
 * more; a refusal after a reclaim is committed (the reclaim stands) and then reported.
 *
 * A use-case is given how its surface renders the result (`Output.render`: status and body), because
 * an idempotency key stores the rendered answer: a replay returns exactly what the first request
 * returned on that surface (each surface keys in its own scope). A refusal returned as a
 * `CommittedRefusal` (rather than thrown) commits what the transaction did before it (a reclaim of
 * expired holds), is stored as the key's answer and raised; a replay raises it again.
 */
import { randomUUID } from 'node:crypto';
import type { AppError } from '../../../platform/errors.js';
import { CommittedRefusal, onceKey, runOnce, type Answer, type Output } from '../../../platform/idempotency/once.js';
import type { HoldKindHandler } from '../holds/hold.kinds.js';
import { expireDueHolds, getHold, insertHold, type Hold } from '../holds/hold.service.js';
import { authError } from '../../../platform/auth/auth.errors.js';
import { inventoryKeys, type InventoryContext } from '../inventory.context.js';
import { stockLowEvents, writeInventoryEvents } from '../inventory.events.js';
import { ALL, type Scope } from '../inventory.scope.js';
import type { InventoryExecutor, InventoryTrx } from '../inventory.tables.js';
import { getVenue, requireSellingVenue } from '../venues/venue.service.js';
import { stockError } from './stock.errors.js';
import {
  MAX_STOCK_QUANTITY,
  addUnits,
  commitHoldUnits,
  deleteItem,
  describeStockHolds,
  dueHoldsOnItem,
  findLiveItem,
  insertItem,
  insertMovement,
  insertStockHold,
  listLiveItems,
  lockLiveItem,
  reserveUnits,
  setItem,
  takeUnits,
  unreserveForHolds,
  type StockItem,
} from './stock.repository.js';

export { MAX_STOCK_QUANTITY, type StockItem } from './stock.repository.js';

function notFound(productId: string): AppError {
  return stockError('STOCK_ITEM_NOT_FOUND', `Inventory for product ${productId} not found`, { product_id: productId });
}

function insufficient(item: StockItem, requested: number): AppError {
  return stockError('INSUFFICIENT_STOCK', `Insufficient stock. Available: ${item.availableQty}, Requested: ${requested}`, {
    product_id: item.productId,
    available: item.availableQty,
    requested,
  });
}

/** Expires the item's HELD holds that are past their expiry, giving their units back; returns how many. */
async function reclaimExpiredHolds(ctx: InventoryContext, trx: InventoryTrx, itemId: string, now: Date): Promise<number> {
  const due = await dueHoldsOnItem(trx, itemId, now);
  return due.length === 0 ? 0 : expireDueHolds(trx, ctx.holdKinds, now, { holdIds: due });
}

/**
 * Tries a conditional take; when it is refused, reclaims the item's expired holds and tries once
 * more. Returns the changed item, or the item as it now stands when the take is still refused.
 * Throws STOCK_ITEM_NOT_FOUND when there is no live item.
 */
async function takeWithReclaim(
  ctx: InventoryContext,
  trx: InventoryTrx,
  productId: string,
  now: Date,
  attempt: () => Promise<StockItem | undefined>,
  fits?: (item: StockItem) => boolean,
): Promise<{ changed: StockItem } | { refusedAt: StockItem }> {
  const first = await attempt();
  if (first !== undefined) return { changed: first };
  const current = await findLiveItem(trx, productId);
  if (current === undefined) throw notFound(productId);
  if ((await reclaimExpiredHolds(ctx, trx, current.id, now)) > 0) {
    const second = await attempt();
    if (second !== undefined) return { changed: second };
  }
  // The refusal is reported with the item as read after it. Under READ COMMITTED a release may commit
  // between the refused UPDATE and that read, so the item can show enough units: the take is then tried
  // again (a few times), so that a refusal never names an availability that would have satisfied it.
  for (let retry = 0; ; retry++) {
    const latest = await findLiveItem(trx, productId);
    if (latest === undefined) throw notFound(productId);
    if (fits === undefined || !fits(latest) || retry === 3) return { refusedAt: latest };
    const again = await attempt();
    if (again !== undefined) return { changed: again };
  }
}

/**
 * Ownership of a change by product id: the live item must be within the caller's scope (else
 * STOCK_ITEM_NOT_FOUND, as for a missing one). The row is locked, so the conditional UPDATE that
 * follows in the same transaction changes that very item. `all` callers skip it (as before).
 */
async function requireOwnedItem(trx: InventoryTrx, productId: string, scope: Scope): Promise<void> {
  if (scope.kind === 'all') return;
  if ((await lockLiveItem(trx, productId, scope)) === undefined) throw notFound(productId);
}

// ---------------------------------------------------------------------------------------------------
// Stock administration

export interface NewStock {
  readonly productId: string;
  readonly productName: string;
  readonly quantity: number;
  /** A shop (`retail` venue) that sells the item; absent for /api/inventory. */
  readonly venueId?: string | undefined;
  /** Where `stock.low` is written; the column's default (5) when absent. */
  readonly lowStockThreshold?: number | undefined;
}

/**
 * Creates an item, in a shop within the caller's scope (another's is VENUE_NOT_FOUND). An item without
 * a shop belongs to no organization, so only `all` callers (admin, service) create one: a business
 * caller is refused with 403 FORBIDDEN (as for a venue in another organization: nothing existing is named).
 */
export function createStock<R>(ctx: InventoryContext, input: NewStock, out: Output<StockItem, R>, scope: Scope = ALL): Promise<Answer<R>> {
  if (scope.kind !== 'all' && input.venueId === undefined) {
    throw authError('FORBIDDEN', 'Stock without a venue_id belongs to no organization; name one of your shops.');
  }
  const request = {
    product_id: input.productId,
    product_name: input.productName,
    quantity: input.quantity,
    venue_id: input.venueId,
    low_stock_threshold: input.lowStockThreshold,
  };
  return runOnce(inventoryKeys(ctx), onceKey(out.key, request), out.render, async (trx, now) => {
    if (input.venueId !== undefined) await requireSellingVenue(trx, input.venueId, ['retail'], scope);
    const item = await insertItem(
      trx,
      {
        id: randomUUID(),
        productId: input.productId,
        productName: input.productName,
        quantity: input.quantity,
        venueId: input.venueId ?? null,
        ...(input.lowStockThreshold !== undefined ? { lowStockThreshold: input.lowStockThreshold } : {}),
      },
      now,
    );
    if (item === undefined) {
      throw stockError('STOCK_ITEM_EXISTS', `Inventory for product ${input.productId} already exists`, { product_id: input.productId });
    }
    await insertMovement(trx, {
      itemId: item.id,
      kind: 'create',
      delta: item.quantity,
      quantityAfter: item.quantity,
      idempotencyKey: out.key?.key,
      at: now,
    });
    return item;
  });
}

/** The live item, or STOCK_ITEM_NOT_FOUND (also when it is outside the caller's scope). */
export async function getStock(db: InventoryExecutor, productId: string, scope: Scope = ALL): Promise<StockItem> {
  const item = await findLiveItem(db, productId, scope);
  if (item === undefined) throw notFound(productId);
  return item;
}

/** Live items within the caller's scope, optionally of one shop (which must exist within it). */
export async function listStock(
  db: InventoryExecutor,
  filter: { venueId?: string | undefined } = {},
  scope: Scope = ALL,
): Promise<StockItem[]> {
  if (filter.venueId !== undefined) await getVenue(db, filter.venueId, scope);
  return listLiveItems(db, filter.venueId !== undefined ? { venueId: filter.venueId } : {}, scope);
}

/**
 * Whether `quantity` units are available now. When they are not and the item has expired holds, those
 * are reclaimed first, so that `check` never says no where a `reduce` would succeed.
 */
export async function checkStock(
  ctx: InventoryContext,
  productId: string,
  quantity: number,
): Promise<{ item: StockItem; inStock: boolean }> {
  let item = await getStock(ctx.db, productId);
  if (item.availableQty < quantity) {
    const now = ctx.clock.now();
    const reclaimed = await ctx.db.transaction().execute((trx) => reclaimExpiredHolds(ctx, trx, item.id, now));
    if (reclaimed > 0) item = await getStock(ctx.db, productId);
  }
  return { item, inStock: item.availableQty >= quantity };
}

/** Takes `quantity` units off the shelf (an order placed outside the hold flow). */
export function reduceStock<R>(
  ctx: InventoryContext,
  input: { productId: string; quantity: number },
  out: Output<StockItem, R>,
  scope: Scope = ALL,
): Promise<Answer<R>> {
  const request = { product_id: input.productId, quantity: input.quantity };
  return runOnce(inventoryKeys(ctx), onceKey(out.key, request), out.render, async (trx, now) => {
    await requireOwnedItem(trx, input.productId, scope);
    const taken = await takeWithReclaim(
      ctx,
      trx,
      input.productId,
      now,
      () => takeUnits(trx, input.productId, input.quantity, now),
      (i) => i.availableQty >= input.quantity,
    );
    if ('refusedAt' in taken) return new CommittedRefusal(insufficient(taken.refusedAt, input.quantity));
    const item = taken.changed;
    await writeInventoryEvents(trx, stockLowEvents(item, item.availableQty + input.quantity, now));
    await insertMovement(trx, {
      itemId: item.id,
      kind: 'reduce',
      delta: -input.quantity,
      quantityAfter: item.quantity,
      idempotencyKey: out.key?.key,
      at: now,
    });
    return item;
  });
}

/** Adds `quantity` units (a delivery). */
export function restockStock<R>(
  ctx: InventoryContext,
  input: { productId: string; quantity: number },
  out: Output<StockItem, R>,
  scope: Scope = ALL,
): Promise<Answer<R>> {
  const request = { product_id: input.productId, quantity: input.quantity };
  return runOnce(inventoryKeys(ctx), onceKey(out.key, request), out.render, async (trx, now) => {
    await requireOwnedItem(trx, input.productId, scope);
    const item = await addUnits(trx, input.productId, input.quantity, now);
    if (item === undefined) {
      const current = await getStock(trx, input.productId);
      throw stockError(
        'STOCK_LIMIT_EXCEEDED',
        `Restocking ${input.quantity} would take product ${input.productId} above ${MAX_STOCK_QUANTITY} units (it has ${current.quantity})`,
        { product_id: input.productId, quantity: current.quantity, requested: input.quantity, limit: MAX_STOCK_QUANTITY },
      );
    }
    await insertMovement(trx, {
      itemId: item.id,
      kind: 'restock',
      delta: input.quantity,
      quantityAfter: item.quantity,
      idempotencyKey: out.key?.key,
      at: now,
    });
    return item;
  });
}

export interface StockChanges {
  readonly productName?: string | undefined;
  readonly quantity?: number | undefined;
  readonly lowStockThreshold?: number | undefined;
}

/** Renames and/or sets the quantity, which may not fall below the units reserved by holds. */
export function updateStock<R>(
  ctx: InventoryContext,
  input: { productId: string } & StockChanges,
  out: Output<StockItem, R>,
  scope: Scope = ALL,
): Promise<Answer<R>> {
  const request = {
    product_id: input.productId,
    product_name: input.productName,
    quantity: input.quantity,
    low_stock_threshold: input.lowStockThreshold,
  };
  const changes = {
    ...(input.productName !== undefined ? { productName: input.productName } : {}),
    ...(input.quantity !== undefined ? { quantity: input.quantity } : {}),
    ...(input.lowStockThreshold !== undefined ? { lowStockThreshold: input.lowStockThreshold } : {}),
  };
  return runOnce(inventoryKeys(ctx), onceKey(out.key, request), out.render, async (trx, now) => {
    await requireOwnedItem(trx, input.productId, scope);
    let previousQuantity = 0;
    const taken = await takeWithReclaim(ctx, trx, input.productId, now, async () => {
      const r = await setItem(trx, input.productId, changes, now);
      if (r !== undefined) previousQuantity = r.previousQuantity;
      return r?.item;
    });
    if ('refusedAt' in taken) {
      const item = taken.refusedAt;
      return new CommittedRefusal(
        stockError(
          'QUANTITY_BELOW_RESERVED',
          `Cannot set the quantity of product ${item.productId} to ${input.quantity}: ${item.reservedQty} units are reserved`,
          { product_id: item.productId, requested: input.quantity, reserved_qty: item.reservedQty },
        ),
      );
    }
    const item = taken.changed;
    await writeInventoryEvents(trx, stockLowEvents(item, previousQuantity - item.reservedQty, now));
    if (input.quantity !== undefined) {
      await insertMovement(trx, {
        itemId: item.id,
        kind: 'set',
        delta: item.quantity - previousQuantity,
        quantityAfter: item.quantity,
        idempotencyKey: out.key?.key,
        at: now,
      });
    }
    return item;
  });
}

/**
 * Deletes an item: it disappears from every read and its product id is free again. The row stays
 * (deleted_at) because holds and movements refer to it. Refused while holds reserve units of it.
 */
export function deleteStock<R>(
  ctx: InventoryContext,
  productId: string,
  out: Output<StockItem, R>,
  scope: Scope = ALL,
): Promise<Answer<R>> {
  return runOnce(inventoryKeys(ctx), onceKey(out.key, { product_id: productId }), out.render, async (trx, now) => {
    await requireOwnedItem(trx, productId, scope);
    const taken = await takeWithReclaim(ctx, trx, productId, now, () => deleteItem(trx, productId, now));
    if ('refusedAt' in taken) {
      const item = taken.refusedAt;
      return new CommittedRefusal(
        stockError(
          'STOCK_ITEM_RESERVED',
          `Inventory for product ${productId} has ${item.reservedQty} units reserved by holds and cannot be deleted`,
          {
            product_id: productId,
            reserved_qty: item.reservedQty,
          },
        ),
      );
    }
    return taken.changed;
  });
}

// ---------------------------------------------------------------------------------------------------
// The order flow: a retail hold reserves units; confirming it commits them (the goods leave).

export interface RetailHoldRequest {
  readonly productId: string;
  readonly quantity: number;
  readonly ttlSeconds: number;
}

export function holdStock<R>(
  ctx: InventoryContext,
  input: RetailHoldRequest,
  out: Output<Hold, R>,
  scope: Scope = ALL,
): Promise<Answer<R>> {
  const request = { product_id: input.productId, quantity: input.quantity, ttl_seconds: input.ttlSeconds };
  return runOnce(inventoryKeys(ctx), onceKey(out.key, request), out.render, async (trx, now) => {
    const item = await getStock(trx, input.productId, scope);
    if (item.venueId !== null) await requireSellingVenue(trx, item.venueId, ['retail']);
    const taken = await takeWithReclaim(
      ctx,
      trx,
      input.productId,
      now,
      () => reserveUnits(trx, item.id, input.quantity, now),
      (i) => i.availableQty >= input.quantity,
    );
    if ('refusedAt' in taken) return new CommittedRefusal(insufficient(taken.refusedAt, input.quantity));
    await writeInventoryEvents(trx, stockLowEvents(taken.changed, taken.changed.availableQty + input.quantity, now));
    const holdId = await insertHold(trx, { kind: 'retail', venueId: item.venueId, ttlSeconds: input.ttlSeconds, now });
    await insertStockHold(trx, holdId, item.id, input.quantity);
    return await getHold(trx, ctx.holdKinds, holdId);
  });
}

/** How retail holds give back and commit their units (see holds/hold.kinds.ts). */
export const retailHoldKind: HoldKindHandler = {
  kind: 'retail',
  releasableAfterConfirm: false,
  giveBack: async (trx, holds) => {
    // Only a HELD hold still reserves units; a confirmed one's units already left with the goods.
    await unreserveForHolds(
      trx,
      holds.filter((h) => h.from === 'HELD').map((h) => h.id),
    );
  },
  onConfirm: async (trx, holdId) => {
    const committed = await commitHoldUnits(trx, holdId);
    if (committed === undefined) throw new Error(`retail hold ${holdId} has no stock_hold row`);
    await insertMovement(trx, {
      itemId: committed.itemId,
      kind: 'commit',
      delta: -committed.quantity,
      quantityAfter: committed.quantityAfter,
      holdId,
      at: committed.at,
    });
  },
  describe: async (db, holdIds) =>
    new Map(
      (await describeStockHolds(db, holdIds)).map((h) => [
        h.holdId,
        { product_id: h.productId, product_name: h.productName, quantity: h.quantity },
      ]),
    ),
};
