/** SQL of booking.saga: one row per saga, its last recorded step and what its compensations need. */
import type { Selectable } from 'kysely';
import type { PiiVault } from '../../../platform/pii/pii-vault.js';
import { guestJsonProtection } from '../booking.pii.js';
import type { BookingExecutor, SagaTable } from '../booking.tables.js';

/** Saga data may carry guest data (a change's new name, email or phone): sealed as stored, opened as read. */
const sealData = (pii: PiiVault, data: object) => JSON.stringify(guestJsonProtection(pii).seal(data));
const opened = (pii: PiiVault, r: SagaRecord): SagaRecord => ({ ...r, data: guestJsonProtection(pii).open(r.data) as SagaRecord['data'] });

export type SagaRecord = Selectable<SagaTable>;
export type SagaKind = SagaTable['kind'];

export async function insertSaga(
  db: BookingExecutor,
  pii: PiiVault,
  saga: { id: string; bookingId: string; kind: SagaKind; step: string; data: object; at: Date },
): Promise<void> {
  await db
    .insertInto('booking.saga')
    .values({
      id: saga.id,
      booking_id: saga.bookingId,
      kind: saga.kind,
      status: 'running',
      step: saga.step,
      data: sealData(pii, saga.data),
      outcome: null,
      started_at: saga.at,
      updated_at: saga.at,
    })
    .execute();
}

/** Records that the saga finished `step`, with the data its compensations and its recovery need. */
export async function recordStep(db: BookingExecutor, pii: PiiVault, sagaId: string, step: string, data: object, at: Date): Promise<void> {
  await db
    .updateTable('booking.saga')
    .set({ step, data: sealData(pii, data), updated_at: at })
    .where('id', '=', sagaId)
    .execute();
}

/** Ends the saga; its step becomes its status ('completed' or 'compensated'). */
export async function endSaga(
  db: BookingExecutor,
  sagaId: string,
  status: 'completed' | 'compensated',
  outcome: string,
  at: Date,
): Promise<void> {
  // Only a running saga ends: a second settlement that lost a race cannot rewrite how the first ended it.
  await db
    .updateTable('booking.saga')
    .set({ status, step: status, outcome, updated_at: at })
    .where('id', '=', sagaId)
    .where('status', '=', 'running')
    .execute();
}

export async function findSaga(db: BookingExecutor, pii: PiiVault, bookingId: string, kind: SagaKind): Promise<SagaRecord | undefined> {
  const r = await db.selectFrom('booking.saga').selectAll().where('booking_id', '=', bookingId).where('kind', '=', kind).executeTakeFirst();
  return r && opened(pii, r);
}

/**
 * Claims a running saga for one settlement: only if it is untouched since it was read (`seen`), so two
 * settlements of one saga (the recovery job and a client's retry) never run at once.
 */
export async function claimSaga(db: BookingExecutor, sagaId: string, seen: Date, at: Date): Promise<boolean> {
  const claimed = await db
    .updateTable('booking.saga')
    .set({ updated_at: at })
    .where('id', '=', sagaId)
    .where('status', '=', 'running')
    .where('updated_at', '=', seen)
    .executeTakeFirst();
  return Number(claimed.numUpdatedRows) === 1;
}

export async function findSagaById(db: BookingExecutor, pii: PiiVault, id: string): Promise<SagaRecord | undefined> {
  const r = await db.selectFrom('booking.saga').selectAll().where('id', '=', id).executeTakeFirst();
  return r && opened(pii, r);
}

/** Running sagas untouched since `cutoff`, the longest untouched first. */
export async function findStuckSagas(db: BookingExecutor, pii: PiiVault, cutoff: Date, limit: number): Promise<SagaRecord[]> {
  const rows = await db
    .selectFrom('booking.saga')
    .selectAll()
    .where('status', '=', 'running')
    .where('updated_at', '<=', cutoff)
    .orderBy('updated_at')
    .limit(limit)
    .execute();
  return rows.map((r) => opened(pii, r));
}
