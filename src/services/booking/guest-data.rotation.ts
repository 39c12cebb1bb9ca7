/**
 * Moving every sealed guest value of the booking schema to the current key (`innkeeper keys
 * rotate-pii`): booking rows, saga data, stored answers, batch by batch (guest-data.repository.ts).
 * It only ever writes values that are not under the current key yet, so running it again — after a
 * kill, or because the platform sealed a few values under the old key meanwhile — finishes the job.
 */
import { crashPoint } from '../../platform/faults.js';
import type { PiiVault } from '../../platform/pii/pii-vault.js';
import { resealBookingRows, resealSagaData, resealStoredAnswers, type Batch, type KeyCursor } from './guest-data.repository.js';
import type { BookingDb } from './booking.tables.js';

export interface ResealProgress {
  readonly place: string;
  readonly scanned: number;
  readonly resealed: number;
}

export const DEFAULT_RESEAL_BATCH = 200;

async function drain<C>(
  place: string,
  step: (after: C | undefined) => Promise<Batch<C>>,
  progress: (p: ResealProgress) => void,
): Promise<ResealProgress> {
  let after: C | undefined;
  let scanned = 0;
  let resealed = 0;
  for (let n = 1; ; n++) {
    const batch = await step(after);
    crashPoint(`rotate-pii:${place}:${n}`); // committed: a kill here is a rotation stopped half way
    scanned += batch.scanned;
    resealed += batch.resealed;
    progress({ place, scanned, resealed });
    if (batch.next === undefined) return { place, scanned, resealed };
    after = batch.next;
  }
}

export async function resealGuestData(
  db: BookingDb,
  pii: PiiVault,
  progress: (p: ResealProgress) => void = () => undefined,
  batch = DEFAULT_RESEAL_BATCH,
): Promise<ResealProgress[]> {
  return [
    await drain<string>('booking.booking', (after) => resealBookingRows(db, pii, after, batch), progress),
    await drain<string>('booking.saga', (after) => resealSagaData(db, pii, after, batch), progress),
    await drain<KeyCursor>('booking.idempotency_key', (after) => resealStoredAnswers(db, pii, after, batch), progress),
  ];
}
