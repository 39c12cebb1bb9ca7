/**
 * The hold lifecycle shared by every kind: HELD → CONFIRMED | RELEASED | EXPIRED, CONFIRMED → RELEASED.
 * Every status change is one conditional UPDATE, so two concurrent releases (or a release racing the
 * expiry sweep) give inventory back exactly once. A HELD hold past its expiry is never confirmed: it
 * is expired on the spot and its inventory returned.
 */
import { randomUUID } from 'node:crypto';
import type { HoldKind, HoldStatus, HoldTable, InventoryDb, InventoryExecutor, InventoryTrx } from '../inventory.tables.js';
import { inventoryError } from '../inventory.errors.js';
import { holdExpiredEvent, writeInventoryEvents } from '../inventory.events.js';
import { ALL, owned, type Scope } from '../inventory.scope.js';
import type { HoldKindHandler, HoldKinds } from './hold.kinds.js';

export interface Hold {
  readonly id: string;
  readonly kind: HoldKind;
  readonly venueId: string | null;
  readonly status: HoldStatus;
  readonly expiresAt: Date;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly confirmedAt: Date | null;
  readonly endedAt: Date | null;
  readonly endReason: string | null;
  /** What the hold took, as its kind describes it. */
  readonly details: Record<string, unknown>;
}

export const DEFAULT_HOLD_TTL_SECONDS = 15 * 60;
export const MAX_HOLD_TTL_SECONDS = 7 * 24 * 3600;

function handlerFor(kinds: HoldKinds, kind: HoldKind): HoldKindHandler {
  const handler = kinds.get(kind);
  if (handler === undefined) throw new Error(`no handler for holds of kind ${kind}`);
  return handler;
}

function toHold(row: HoldTable, details: Record<string, unknown>): Hold {
  return {
    id: row.id,
    kind: row.kind,
    venueId: row.venue_id,
    status: row.status,
    expiresAt: row.expires_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    confirmedAt: row.confirmed_at,
    endedAt: row.ended_at,
    endReason: row.end_reason,
    details,
  };
}

/** Inserts the hold row of a new hold; the kind then takes its inventory in the same transaction. */
export async function insertHold(
  trx: InventoryTrx,
  input: { kind: HoldKind; venueId: string | null; ttlSeconds: number; now: Date; id?: string },
): Promise<string> {
  const id = input.id ?? randomUUID();
  await trx
    .insertInto('inventory.hold')
    .values({
      id,
      kind: input.kind,
      venue_id: input.venueId,
      status: 'HELD',
      expires_at: new Date(input.now.getTime() + input.ttlSeconds * 1000),
      created_at: input.now,
      updated_at: input.now,
      confirmed_at: null,
      ended_at: null,
      end_reason: null,
    })
    .execute();
  return id;
}

/** The hold's venue column, which every ownership condition on a hold names (no venue: no organization's). */
export const HOLD_VENUE = 'inventory.hold.venue_id';

/** The hold, if it exists within the caller's scope (its venue's). */
export async function findHold(db: InventoryExecutor, kinds: HoldKinds, id: string, scope: Scope = ALL): Promise<Hold | undefined> {
  const row = await owned(db.selectFrom('inventory.hold').selectAll().where('id', '=', id), scope, HOLD_VENUE).executeTakeFirst();
  if (row === undefined) return undefined;
  const details = await handlerFor(kinds, row.kind).describe(db, [id]);
  return toHold(row, details.get(id) ?? {});
}

/** The hold, or HOLD_NOT_FOUND (also when it exists outside the caller's scope). */
export async function getHold(db: InventoryExecutor, kinds: HoldKinds, id: string, scope: Scope = ALL): Promise<Hold> {
  const hold = await findHold(db, kinds, id, scope);
  if (hold === undefined) throw inventoryError('HOLD_NOT_FOUND', `Hold ${id} does not exist.`);
  return hold;
}

/**
 * Expires HELD holds whose expiry has passed (optionally only `holdIds`) and gives their inventory back,
 * inside `trx`. Rows another transaction is already ending are skipped, never waited for.
 */
export async function expireDueHolds(
  trx: InventoryTrx,
  kinds: HoldKinds,
  now: Date,
  options: { holdIds?: readonly string[]; limit?: number } = {},
): Promise<number> {
  if (options.holdIds !== undefined && options.holdIds.length === 0) return 0;
  let due = trx
    .selectFrom('inventory.hold')
    .select('id')
    .where('status', '=', 'HELD')
    .where('expires_at', '<=', now)
    .orderBy('expires_at')
    .limit(options.limit ?? 500)
    .forUpdate()
    .skipLocked();
  if (options.holdIds !== undefined) due = due.where('id', 'in', options.holdIds);
  const expired = await trx
    .updateTable('inventory.hold')
    .set({ status: 'EXPIRED', ended_at: now, updated_at: now, end_reason: 'expired' })
    .where('id', 'in', due)
    .returning(['id', 'kind', 'venue_id', 'expires_at'])
    .execute();
  // What each hold took, read before it is given back (the event names it).
  const events = [];
  for (const kind of new Set(expired.map((h) => h.kind))) {
    const ofKind = expired.filter((h) => h.kind === kind);
    const held = await handlerFor(kinds, kind).describe(
      trx,
      ofKind.map((h) => h.id),
    );
    for (const h of ofKind) {
      events.push(holdExpiredEvent({ id: h.id, kind: h.kind, venueId: h.venue_id, expiresAt: h.expires_at }, held.get(h.id) ?? {}, now));
    }
  }
  await writeInventoryEvents(trx, events);
  await giveBackByKind(
    trx,
    kinds,
    expired.map((h) => ({ id: h.id, kind: h.kind, from: 'HELD' as const })),
  );
  return expired.length;
}

async function giveBackByKind(
  trx: InventoryTrx,
  kinds: HoldKinds,
  holds: readonly { id: string; kind: HoldKind; from: HoldStatus }[],
): Promise<void> {
  const byKind = new Map<HoldKind, { id: string; from: HoldStatus }[]>();
  for (const h of holds) {
    const list = byKind.get(h.kind) ?? [];
    list.push({ id: h.id, from: h.from });
    byKind.set(h.kind, list);
  }
  for (const [kind, list] of byKind) await handlerFor(kinds, kind).giveBack(trx, list);
}

/** The sweep: expires every due hold in batches, each batch its own short transaction. */
export async function sweepExpiredHolds(db: InventoryDb, kinds: HoldKinds, now: Date, batchSize = 500): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await db.transaction().execute((trx) => expireDueHolds(trx, kinds, now, { limit: batchSize }));
    total += n;
    if (n < batchSize) return total;
  }
}

export async function confirmHold(db: InventoryDb, kinds: HoldKinds, id: string, now: Date, scope: Scope = ALL): Promise<Hold> {
  const outcome = await db.transaction().execute(async (trx) => {
    const row = await owned(trx.selectFrom('inventory.hold').selectAll().where('id', '=', id), scope, HOLD_VENUE)
      .forUpdate()
      .executeTakeFirst();
    if (row === undefined) throw inventoryError('HOLD_NOT_FOUND', `Hold ${id} does not exist.`);
    switch (row.status) {
      case 'CONFIRMED':
        return 'ok' as const;
      case 'RELEASED':
      case 'EXPIRED':
        throw inventoryError('HOLD_NOT_ACTIVE', `Hold ${id} is ${row.status} and cannot be confirmed.`, { status: row.status });
      case 'HELD':
        break;
    }
    if (row.expires_at <= now) {
      await expireDueHolds(trx, kinds, now, { holdIds: [id] });
      return 'expired' as const;
    }
    await trx.updateTable('inventory.hold').set({ status: 'CONFIRMED', confirmed_at: now, updated_at: now }).where('id', '=', id).execute();
    await handlerFor(kinds, row.kind).onConfirm?.(trx, id);
    return 'ok' as const;
  });
  // The expiry is committed before refusing, so the inventory is back on sale whatever the caller does next.
  if (outcome === 'expired') throw inventoryError('HOLD_EXPIRED', `Hold ${id} expired before it was confirmed.`);
  return getHold(db, kinds, id);
}

/**
 * Releases a hold and gives back what it took, once. Releasing a hold that already ended answers the
 * hold as it is (a retried release is not an error); a confirmed hold whose goods left is refused.
 */
export async function releaseHold(
  db: InventoryDb,
  kinds: HoldKinds,
  id: string,
  now: Date,
  reason = 'released',
  scope: Scope = ALL,
): Promise<Hold> {
  await db.transaction().execute(async (trx) => {
    const row = await owned(trx.selectFrom('inventory.hold').select(['kind', 'status']).where('id', '=', id), scope, HOLD_VENUE)
      .forUpdate()
      .executeTakeFirst();
    if (row === undefined) throw inventoryError('HOLD_NOT_FOUND', `Hold ${id} does not exist.`);
    const handler = handlerFor(kinds, row.kind);
    if (row.status === 'RELEASED' || row.status === 'EXPIRED') return;
    if (row.status === 'CONFIRMED' && !handler.releasableAfterConfirm) {
      throw inventoryError('HOLD_NOT_RELEASABLE', `Hold ${id} was confirmed and its inventory has left.`);
    }
    await trx
      .updateTable('inventory.hold')
      .set({ status: 'RELEASED', ended_at: now, updated_at: now, end_reason: reason })
      .where('id', '=', id)
      .execute();
    await handler.giveBack(trx, [{ id, from: row.status }]);
  });
  return getHold(db, kinds, id);
}
