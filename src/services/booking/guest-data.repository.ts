/**
 * SQL of guest data at rest across the booking schema: which key each sealed value names (for
 * `innkeeper keys status`), and the batches of `innkeeper keys rotate-pii` that move every value
 * to the current key — booking rows (with their blind indexes), saga data and stored answers.
 *
 * Each batch is one short transaction over the next rows by primary key, locked while they are
 * resealed, so the platform keeps serving (a booking being changed waits for one batch at most) and
 * a rotation killed half way resumes where any pass finds values left: a value already under the
 * current key is never written again.
 */
import { sql } from 'kysely';
import type { PiiVault } from '../../platform/pii/pii-vault.js';
import { isSealed, keyIdOf } from '../../platform/pii/pii-cipher.js';
import { mapJsonFields, resealJsonFields } from '../../platform/pii/sealed-json.js';
import { GUEST_FIELDS, GUEST_JSON_FIELDS } from './booking.pii.js';
import type { BookingDb, BookingTrx } from './booking.tables.js';

/** How many stored values name each key (`plain`: not sealed yet), per place. */
export interface KeyUse {
  readonly place: 'booking.booking' | 'booking.saga' | 'booking.idempotency_key';
  readonly keyId: string;
  readonly values: number;
}

export async function guestDataKeyUse(db: BookingDb): Promise<KeyUse[]> {
  const { rows: columns } = await sql<{ kid: string; n: number }>`
    select case when v like 'pii1.%' then split_part(v, '.', 2) else 'plain' end as kid, count(*)::int as n
    from (
      select guest_name as v from booking.booking
      union all select guest_email from booking.booking where guest_email is not null
      union all select guest_phone from booking.booking where guest_phone is not null
      union all select special_requests from booking.booking where special_requests is not null
    ) values_ group by 1 order by 1`.execute(db);
  const inJson = async (place: 'booking.saga' | 'booking.idempotency_key', column: 'data' | 'response_body') => {
    const { rows } = await sql<{ kid: string; n: number }>`
      select m[1] as kid, count(*)::int as n
      from ${sql.table(place)} t, regexp_matches(t.${sql.ref(column)}::text, '"pii1\\.([A-Za-z0-9_-]+)\\.', 'g') as m
      group by 1 order by 1`.execute(db);
    return rows.map((r): KeyUse => ({ place, keyId: r.kid, values: r.n }));
  };
  return [
    ...columns.map((r): KeyUse => ({ place: 'booking.booking', keyId: r.kid, values: r.n })),
    ...(await inJson('booking.saga', 'data')),
    ...(await inJson('booking.idempotency_key', 'response_body')),
  ];
}

export interface Batch<C> {
  /** Where the next batch starts; undefined when this one reached the end. */
  readonly next: C | undefined;
  readonly scanned: number;
  readonly resealed: number;
}

const underCurrent = (pii: PiiVault, v: string | null) => v === null || (isSealed(v) && keyIdOf(v) === pii.ring.current.id);

/** Reseals the booking rows after `after` (by id): columns under the current key, indexes filled. */
export async function resealBookingRows(db: BookingDb, pii: PiiVault, after: string | undefined, limit: number): Promise<Batch<string>> {
  return db.transaction().execute(async (trx) => {
    const rows = await trx
      .selectFrom('booking.booking')
      .select(['id', 'guest_name', 'guest_email', 'guest_phone', 'guest_email_index', 'guest_phone_index', 'special_requests'])
      .$if(after !== undefined, (q) => q.where('id', '>', after!))
      .orderBy('id')
      .limit(limit)
      .forUpdate()
      .execute();
    let resealed = 0;
    for (const r of rows) {
      const indexed = (r.guest_email === null || r.guest_email_index !== null) && (r.guest_phone === null || r.guest_phone_index !== null);
      const sealed = [r.guest_name, r.guest_email, r.guest_phone, r.special_requests].every((v) => underCurrent(pii, v));
      if (sealed && indexed) continue;
      const email = pii.openOptional(GUEST_FIELDS.email, r.guest_email);
      const phone = pii.openOptional(GUEST_FIELDS.phone, r.guest_phone);
      await trx
        .updateTable('booking.booking')
        .set({
          guest_name: pii.seal(GUEST_FIELDS.name, pii.open(GUEST_FIELDS.name, r.guest_name)),
          guest_email: pii.sealOptional(GUEST_FIELDS.email, email),
          guest_phone: pii.sealOptional(GUEST_FIELDS.phone, phone),
          guest_email_index: pii.indexOptional('email', email),
          guest_phone_index: pii.indexOptional('phone', phone),
          special_requests: pii.sealOptional(GUEST_FIELDS.requests, pii.openOptional(GUEST_FIELDS.requests, r.special_requests)),
        })
        .where('id', '=', r.id)
        .execute();
      resealed += 1;
    }
    return { next: rows.length < limit ? undefined : rows[rows.length - 1]!.id, scanned: rows.length, resealed };
  });
}

/** Reseals the guest data inside saga records after `after` (by id). */
export async function resealSagaData(db: BookingDb, pii: PiiVault, after: string | undefined, limit: number): Promise<Batch<string>> {
  return db.transaction().execute(async (trx) => {
    const rows = await trx
      .selectFrom('booking.saga')
      .select(['id', 'data'])
      .$if(after !== undefined, (q) => q.where('id', '>', after!))
      .orderBy('id')
      .limit(limit)
      .forUpdate()
      .execute();
    let resealed = 0;
    for (const r of rows) {
      const { body, changed } = resealJsonFields(pii, GUEST_JSON_FIELDS, r.data);
      if (!changed) continue;
      await trx
        .updateTable('booking.saga')
        .set({ data: JSON.stringify(body) })
        .where('id', '=', r.id)
        .execute();
      resealed += 1;
    }
    return { next: rows.length < limit ? undefined : rows[rows.length - 1]!.id, scanned: rows.length, resealed };
  });
}

export interface KeyCursor {
  readonly scope: string;
  readonly key: string;
}

/** Reseals the guest data inside stored answers after `after` (by scope and key). */
export async function resealStoredAnswers(
  db: BookingDb,
  pii: PiiVault,
  after: KeyCursor | undefined,
  limit: number,
): Promise<Batch<KeyCursor>> {
  return db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ scope: string; key: string; response_body: unknown }>`
      select scope, key, response_body from booking.idempotency_key
      where response_body is not null ${after === undefined ? sql`` : sql`and (scope, key) > (${after.scope}, ${after.key})`}
      order by scope, key limit ${limit} for update`.execute(trx);
    let resealed = 0;
    for (const r of rows) {
      const { body, changed } = resealJsonFields(pii, GUEST_JSON_FIELDS, r.response_body);
      if (!changed) continue;
      await sql`update booking.idempotency_key set response_body = ${JSON.stringify(body)}::jsonb
        where scope = ${r.scope} and key = ${r.key}`.execute(trx);
      resealed += 1;
    }
    const last = rows[rows.length - 1];
    return {
      next: rows.length < limit || last === undefined ? undefined : { scope: last.scope, key: last.key },
      scanned: rows.length,
      resealed,
    };
  });
}

/** What an erasure leaves in place of a name: the column stays NOT NULL, and this is nobody's name. */
export const ERASED = '[erased]';

/** The guest's bookings (within what the caller may see), locked for an erasure. */
export async function guestBookingIdsForErasure(trx: BookingTrx, guestId: string, venueIds: readonly string[] | undefined) {
  return trx
    .selectFrom('booking.booking')
    .select(['id', 'status', 'guest_erased_at'])
    .where('guest_id', '=', guestId)
    .$if(venueIds !== undefined, (q) => (venueIds!.length === 0 ? q.where(sql<boolean>`false`) : q.where('venue_id', 'in', [...venueIds!])))
    .orderBy('id')
    .forUpdate()
    .execute();
}

/**
 * Removes the guest data of these bookings wherever the booking schema holds it: the row (name,
 * email, phone, their indexes, special requests; a new version), the sagas' data and the stored
 * answers of their idempotency keys. Ids, dates, amounts, history and events stay (events and
 * history carry no guest data).
 */
export async function eraseGuestData(
  trx: BookingTrx,
  bookingIds: readonly string[],
  at: Date,
): Promise<{ sagas: number; storedAnswers: number }> {
  if (bookingIds.length === 0) return { sagas: 0, storedAnswers: 0 };
  await trx
    .updateTable('booking.booking')
    .set((eb) => ({
      guest_name: ERASED,
      guest_email: null,
      guest_phone: null,
      guest_email_index: null,
      guest_phone_index: null,
      special_requests: null,
      guest_erased_at: at,
      updated_at: at,
      version: eb('version', '+', 1),
    }))
    .where('id', 'in', [...bookingIds])
    .execute();
  const sagas = await trx
    .selectFrom('booking.saga')
    .select(['id', 'data'])
    .where('booking_id', 'in', [...bookingIds])
    .forUpdate()
    .execute();
  let scrubbedSagas = 0;
  for (const s of sagas) {
    const { body, changed } = scrubJsonFields(s.data);
    if (!changed) continue;
    await trx
      .updateTable('booking.saga')
      .set({ data: JSON.stringify(body) })
      .where('id', '=', s.id)
      .execute();
    scrubbedSagas += 1;
  }
  const ids = sql.join(bookingIds.map((id) => sql`${id}`));
  const { rows: keys } = await sql<{ scope: string; key: string; response_body: unknown }>`
    select scope, key, response_body from booking.idempotency_key
    where response_body is not null and (resource_id in (${ids}) or response_body ->> 'id' in (${ids}) or response_body ->> 'booking_id' in (${ids}))
    for update`.execute(trx);
  let scrubbedAnswers = 0;
  for (const k of keys) {
    const { body, changed } = scrubJsonFields(k.response_body);
    if (!changed) continue;
    await sql`update booking.idempotency_key set response_body = ${JSON.stringify(body)}::jsonb where scope = ${k.scope} and key = ${k.key}`.execute(
      trx,
    );
    scrubbedAnswers += 1;
  }
  return { sagas: scrubbedSagas, storedAnswers: scrubbedAnswers };
}

/** Every guest-data string in a stored JSON replaced by the erasure marker. */
function scrubJsonFields(body: unknown): { body: unknown; changed: boolean } {
  let changed = false;
  const scrubbed = mapJsonFields(body, new Set<string>(GUEST_JSON_FIELDS), (_field, text) => {
    if (text !== ERASED) changed = true;
    return ERASED;
  });
  return { body: scrubbed, changed };
}
