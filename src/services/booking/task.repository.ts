/**
 * SQL of booking.task: the remote calls a booking change leaves to make, written in the same
 * transaction as the change and carried out by booking.tasks.ts.
 */
import type { BookingExecutor, BookingTrx, TaskAction } from './booking.tables.js';

export interface Task {
  readonly id: number;
  readonly bookingId: string;
  readonly action: TaskAction;
  readonly holdId: string | null;
  readonly intentId: string | null;
  readonly amount: number | null;
  readonly checkOut: string | null;
  readonly promoCode: string | null;
  readonly callKey: string;
  readonly reason: string;
}

export type NewTask = Omit<Task, 'id' | 'holdId' | 'intentId' | 'amount' | 'checkOut' | 'promoCode'> &
  Partial<Pick<Task, 'holdId' | 'intentId' | 'amount' | 'checkOut' | 'promoCode'>>;

/** Records a call to make after commit; the same call key twice is one task. */
export async function insertTask(trx: BookingTrx, task: NewTask, at: Date): Promise<number | undefined> {
  const row = await trx
    .insertInto('booking.task')
    .values({
      booking_id: task.bookingId,
      action: task.action,
      hold_id: task.holdId ?? null,
      intent_id: task.intentId ?? null,
      amount: task.amount ?? null,
      check_out: task.checkOut ?? null,
      promo_code: task.promoCode ?? null,
      call_key: task.callKey,
      reason: task.reason,
      created_at: at,
    })
    .onConflict((oc) => oc.column('call_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id;
}

/** Records the calls a change leaves to make; returns the ids of those not already recorded. */
export async function insertTasks(trx: BookingTrx, tasks: readonly NewTask[], at: Date): Promise<number[]> {
  const ids: number[] = [];
  for (const t of tasks) {
    const id = await insertTask(trx, t, at);
    if (id !== undefined) ids.push(id);
  }
  return ids;
}

/**
 * Claims pending tasks (all, or those of `ids`) for `leaseMs`, so two workers never run one task at
 * the same time; a worker that dies leaves its claim to lapse and the task runs again (every call
 * carries its idempotency key, so running it twice has one effect).
 */
export async function claimTasks(db: BookingExecutor, now: Date, leaseMs: number, limit: number, ids?: readonly number[]): Promise<Task[]> {
  if (ids !== undefined && ids.length === 0) return [];
  let pending = db
    .selectFrom('booking.task')
    .select('id')
    .where('done_at', 'is', null)
    .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<=', now)]))
    .orderBy('id')
    .limit(limit)
    .forUpdate()
    .skipLocked();
  if (ids !== undefined) pending = pending.where('id', 'in', ids);
  const rows = await db
    .updateTable('booking.task')
    .set((eb) => ({ claimed_until: new Date(now.getTime() + leaseMs), attempts: eb('attempts', '+', 1) }))
    .where('id', 'in', pending)
    .returningAll()
    .execute();
  return rows
    .sort((a, b) => a.id - b.id)
    .map((r) => ({
      id: r.id,
      bookingId: r.booking_id,
      action: r.action,
      holdId: r.hold_id,
      intentId: r.intent_id,
      amount: r.amount,
      checkOut: r.check_out,
      promoCode: r.promo_code,
      callKey: r.call_key,
      reason: r.reason,
    }));
}

export async function finishTask(db: BookingExecutor, id: number, now: Date, error?: string): Promise<void> {
  await db
    .updateTable('booking.task')
    .set(error === undefined ? { done_at: now, claimed_until: null, last_error: null } : { claimed_until: null, last_error: error })
    .where('id', '=', id)
    .execute();
}

/** Closes a task the other service refused (a 4xx will not change by retrying), keeping why. */
export async function closeRefusedTask(db: BookingExecutor, id: number, now: Date, error: string): Promise<void> {
  await db.updateTable('booking.task').set({ done_at: now, claimed_until: null, last_error: error }).where('id', '=', id).execute();
}

/** The ids of a booking's tasks not yet done. */
export async function openTaskIds(db: BookingExecutor, bookingId: string): Promise<number[]> {
  const rows = await db
    .selectFrom('booking.task')
    .select('id')
    .where('booking_id', '=', bookingId)
    .where('done_at', 'is', null)
    .orderBy('id')
    .execute();
  return rows.map((r) => r.id);
}
