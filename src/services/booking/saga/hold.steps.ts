/**
 * What the create and change sagas share about their hold step: when a failed hold request may still
 * have taken effect (its answer was lost), and how recovery finds out by replaying the recorded
 * request under its key (inventory answers the hold it made, or its refusal again).
 */
import { AppError, isAppError } from '../../../platform/errors.js';
import type { BookingContext } from '../booking.context.js';
import { replayHoldRequest, type HoldRequest } from '../booking.placement.js';
import type { Probe } from './saga.runner.js';

/** Unreachable inventory may still have made the hold: the saga stays running for recovery. */
export function holdInDoubt(err: unknown, request: HoldRequest | undefined): boolean {
  return isAppError(err, 'INVENTORY_SERVICE_UNAVAILABLE') && request !== undefined;
}

/** In recovery: did the recorded hold request take effect? Throws (retry later) while inventory cannot say. */
export async function probeHold(ctx: BookingContext, request: HoldRequest | undefined): Promise<Probe<{ hold_id?: string }>> {
  if (request === undefined) return { tookEffect: false, outcome: 'stopped before any hold was requested' };
  try {
    return { tookEffect: true, record: { hold_id: (await replayHoldRequest(ctx, request)).id } };
  } catch (err) {
    const code = err instanceof AppError ? (err.details as { inventory_code?: string } | undefined)?.inventory_code : undefined;
    if (isAppError(err, 'INVENTORY_SERVICE_UNAVAILABLE') || code === 'IDEMPOTENCY_IN_PROGRESS') throw err;
    // Refused the first time too (no availability …): nothing was held.
    return { tookEffect: false, outcome: `not held: ${(err as Error).message}` };
  }
}
