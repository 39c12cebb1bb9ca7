/**
 * Carrying out the calls a booking change decided (booking.task rows written in the same transaction
 * as the change): right after commit, and again by the `sync-inventory` job until each is done. Every
 * call carries its task's key, so a task run twice (a crash after the call, before it was marked done)
 * has one effect. A refusal (4xx) will not change by retrying: it is recorded, logged and closed.
 */
import { AppError } from '../../platform/errors.js';
import { crashPoint } from '../../platform/faults.js';
import type { BookingContext } from './booking.context.js';
import { claimTasks, closeRefusedTask, finishTask, type Task } from './task.repository.js';

const TASK_LEASE_MS = 30_000;

async function perform(ctx: BookingContext, task: Task): Promise<void> {
  switch (task.action) {
    case 'release_hold':
      await ctx.inventory.releaseHold(task.holdId!, task.reason);
      return;
    case 'shorten_stay':
      await ctx.inventory.shortenStay(task.holdId!, task.checkOut!);
      return;
    case 'refund_payment':
      await ctx.payment.refund(task.intentId!, task.amount!, task.reason, task.callKey);
      return;
    case 'void_payment':
      await ctx.payment.cancel(task.intentId!, task.reason, task.callKey);
      return;
    case 'release_promo':
      await ctx.pricing.releasePromo(task.promoCode!, task.bookingId);
      return;
  }
}

/** Runs pending tasks (those of `ids`, or any); what fails for want of a service stays pending. */
export async function runTasks(ctx: BookingContext, ids?: readonly number[], limit = 100): Promise<{ done: number; failed: number }> {
  const now = ctx.clock.now();
  const tasks = await ctx.db.transaction().execute((trx) => claimTasks(trx, now, TASK_LEASE_MS, limit, ids));
  let done = 0;
  let failed = 0;
  for (const task of tasks) {
    try {
      await perform(ctx, task);
      crashPoint(`task:${task.action}`);
      await finishTask(ctx.db, task.id, ctx.clock.now());
      done++;
    } catch (err) {
      if (err instanceof AppError && err.status < 500) {
        ctx.log?.error({ err, task: task.id, action: task.action }, 'a booking task was refused; closed without effect');
        await closeRefusedTask(ctx.db, task.id, ctx.clock.now(), err.message);
        done++;
        continue;
      }
      failed++;
      await finishTask(ctx.db, task.id, ctx.clock.now(), (err as Error).message);
      ctx.log?.warn({ err, task: task.id, action: task.action }, 'a booking task failed; it will be retried');
    }
  }
  return { done, failed };
}
