/** SQL of the webhook schema. Functions take the executor first; atomic steps take a transaction. */
import { sql } from 'kysely';
import {
  rowToAttempt,
  rowToDelivery,
  rowToEndpoint,
  type Delivery,
  type DeliveryAttempt,
  type Endpoint,
  type EndpointScope,
} from './webhook.model.js';
import type { EndpointStatus, WebhookExecutor, WebhookTrx } from './webhook.tables.js';
import { randomId } from '../../platform/random-id.js';

export const newEndpointId = (): string => `ep_${randomId()}`;
export const newDeliveryId = (): string => `msg_${randomId()}`;

/** An endpoint with its sealed secrets, for signing. */
export interface EndpointSecrets {
  readonly endpoint: Endpoint;
  readonly secret: string;
  readonly previousSecret: string | null;
  readonly previousSecretExpiresAt: Date | null;
  readonly failingSince: Date | null;
}

export interface NewEndpoint {
  readonly id: string;
  readonly organizationId: string | null;
  readonly url: string;
  readonly eventTypes: readonly string[];
  readonly description: string | null;
  readonly sealedSecret: string;
  readonly createdBy: string;
  readonly at: Date;
}

export async function insertEndpoint(db: WebhookExecutor, e: NewEndpoint): Promise<Endpoint> {
  const row = await db
    .insertInto('webhook.endpoint')
    .values({
      id: e.id,
      organization_id: e.organizationId,
      url: e.url,
      event_types: JSON.stringify(e.eventTypes),
      description: e.description,
      status: 'enabled',
      disabled_reason: null,
      secret: e.sealedSecret,
      previous_secret: null,
      previous_secret_expires_at: null,
      failing_since: null,
      created_by: e.createdBy,
      created_at: e.at,
      updated_at: e.at,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return rowToEndpoint(row);
}

function scoped(scope: EndpointScope, column = 'organization_id') {
  switch (scope.kind) {
    case 'all':
      return sql<boolean>`true`;
    case 'organization':
      return sql<boolean>`${sql.ref(column)} = ${scope.org}`;
    case 'none':
      return sql<boolean>`false`;
  }
}

export async function listEndpoints(db: WebhookExecutor, scope: EndpointScope): Promise<Endpoint[]> {
  const rows = await db.selectFrom('webhook.endpoint').selectAll().where(scoped(scope)).orderBy('seq').execute();
  return rows.map(rowToEndpoint);
}

export async function findEndpoint(db: WebhookExecutor, id: string, scope: EndpointScope): Promise<Endpoint | undefined> {
  const row = await db.selectFrom('webhook.endpoint').selectAll().where('id', '=', id).where(scoped(scope)).executeTakeFirst();
  return row === undefined ? undefined : rowToEndpoint(row);
}

export interface EndpointPatch {
  readonly url?: string;
  readonly eventTypes?: readonly string[];
  readonly description?: string | null;
  readonly status?: EndpointStatus;
}

export async function updateEndpoint(
  trx: WebhookTrx,
  id: string,
  scope: EndpointScope,
  patch: EndpointPatch,
  at: Date,
): Promise<Endpoint | undefined> {
  const row = await trx
    .updateTable('webhook.endpoint')
    .set({
      updated_at: at,
      ...(patch.url === undefined ? {} : { url: patch.url }),
      ...(patch.eventTypes === undefined ? {} : { event_types: JSON.stringify(patch.eventTypes) }),
      ...(patch.description === undefined ? {} : { description: patch.description }),
      ...(patch.status === undefined
        ? {}
        : patch.status === 'enabled'
          ? { status: 'enabled', disabled_reason: null, failing_since: null }
          : { status: 'disabled', disabled_reason: 'disabled by a user' }),
    })
    .where('id', '=', id)
    .where(scoped(scope))
    .returningAll()
    .executeTakeFirst();
  return row === undefined ? undefined : rowToEndpoint(row);
}

export async function deleteEndpoint(trx: WebhookTrx, id: string, scope: EndpointScope): Promise<boolean> {
  const rows = await trx.deleteFrom('webhook.endpoint').where('id', '=', id).where(scoped(scope)).returning('id').execute();
  return rows.length > 0;
}

export async function rotateSecret(
  trx: WebhookTrx,
  id: string,
  scope: EndpointScope,
  sealedSecret: string,
  previousValidUntil: Date,
  at: Date,
): Promise<Endpoint | undefined> {
  const row = await trx
    .updateTable('webhook.endpoint')
    .set((eb) => ({
      previous_secret: eb.ref('secret'),
      previous_secret_expires_at: previousValidUntil,
      secret: sealedSecret,
      updated_at: at,
    }))
    .where('id', '=', id)
    .where(scoped(scope))
    .returningAll()
    .executeTakeFirst();
  return row === undefined ? undefined : rowToEndpoint(row);
}

/** Enabled endpoints that may receive an event of `organization` (null: an event naming none): admins' and that organization's. */
export async function candidateEndpoints(db: WebhookExecutor, organization: string | null): Promise<Endpoint[]> {
  let q = db.selectFrom('webhook.endpoint').selectAll().where('status', '=', 'enabled');
  q =
    organization === null
      ? q.where('organization_id', 'is', null)
      : q.where((eb) => eb.or([eb('organization_id', 'is', null), eb('organization_id', '=', organization)]));
  return (await q.orderBy('seq').execute()).map(rowToEndpoint);
}

export interface NewDelivery {
  readonly endpointId: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly envelope: Record<string, unknown>;
  readonly at: Date;
}

/** Inserts pending deliveries, due now; one already pending for the same endpoint and event is kept, not doubled. */
export async function insertDeliveries(db: WebhookExecutor, deliveries: readonly NewDelivery[]): Promise<string[]> {
  if (deliveries.length === 0) return [];
  const rows = await db
    .insertInto('webhook.delivery')
    .values(
      deliveries.map((d) => ({
        id: newDeliveryId(),
        endpoint_id: d.endpointId,
        event_id: d.eventId,
        event_type: d.eventType,
        envelope: JSON.stringify(d.envelope),
        status: 'pending' as const,
        attempts: 0,
        next_attempt_at: d.at,
        created_at: d.at,
        updated_at: d.at,
      })),
    )
    .onConflict((oc) => oc.columns(['endpoint_id', 'event_id']).where('status', '=', 'pending').doNothing())
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}

/** A delivery claimed for one attempt, with what the attempt needs. */
export interface ClaimedDelivery {
  readonly id: string;
  readonly endpointId: string;
  readonly eventId: string;
  readonly envelope: Record<string, unknown>;
  readonly attempts: number;
  readonly url: string;
  readonly secret: string;
  readonly previousSecret: string | null;
  readonly previousSecretExpiresAt: Date | null;
}

/**
 * Claims up to `limit` due deliveries of enabled endpoints: each one's next attempt is pushed to
 * `leaseUntil` in the claiming statement (rows another worker holds are skipped), so the HTTP call
 * runs outside any transaction and a worker that dies mid-call leaves the delivery due again when
 * the lease ends.
 */
export async function claimDue(db: WebhookExecutor, now: Date, leaseUntil: Date, limit: number): Promise<ClaimedDelivery[]> {
  const { rows } = await sql<{
    id: string;
    endpoint_id: string;
    event_id: string;
    envelope: Record<string, unknown>;
    attempts: number;
    url: string;
    secret: string;
    previous_secret: string | null;
    previous_secret_expires_at: Date | null;
  }>`
    with due as (
      select d.id from webhook.delivery d join webhook.endpoint e on e.id = d.endpoint_id
      where d.status = 'pending' and d.next_attempt_at <= ${now} and e.status = 'enabled'
      order by d.next_attempt_at, d.seq
      limit ${limit}
      for update of d skip locked
    ), claimed as (
      update webhook.delivery d set next_attempt_at = ${leaseUntil}
      from due where d.id = due.id
      returning d.id, d.endpoint_id, d.event_id, d.envelope, d.attempts
    )
    select c.*, e.url, e.secret, e.previous_secret, e.previous_secret_expires_at
    from claimed c join webhook.endpoint e on e.id = c.endpoint_id`.execute(db);
  return rows.map((r) => ({
    id: r.id,
    endpointId: r.endpoint_id,
    eventId: r.event_id,
    envelope: r.envelope,
    attempts: r.attempts,
    url: r.url,
    secret: r.secret,
    previousSecret: r.previous_secret,
    previousSecretExpiresAt: r.previous_secret_expires_at,
  }));
}

export interface AttemptRecord {
  readonly deliveryId: string;
  readonly at: Date;
  readonly statusCode: number | undefined;
  readonly durationMs: number;
  readonly error: string | undefined;
}

/** Records an attempt (nothing when its delivery was deleted meanwhile, with its endpoint). */
export async function insertAttempt(trx: WebhookTrx, a: AttemptRecord): Promise<void> {
  await sql`
    insert into webhook.delivery_attempt (delivery_id, attempted_at, status_code, duration_ms, error)
    select id, ${a.at}, ${a.statusCode ?? null}, ${a.durationMs}, ${a.error?.slice(0, 1000) ?? null}
    from webhook.delivery where id = ${a.deliveryId}`.execute(trx);
}

/** The outcome of an attempt on a pending delivery: delivered, due again at `nextAttemptAt`, or failed for good. */
export type AttemptOutcome =
  { readonly kind: 'delivered' } | { readonly kind: 'retry'; readonly nextAttemptAt: Date } | { readonly kind: 'failed' };

/** Records an attempt's outcome on a still-pending delivery; false when it is no longer pending (cancelled meanwhile). */
export async function settleDelivery(trx: WebhookTrx, a: AttemptRecord, outcome: AttemptOutcome): Promise<boolean> {
  const row = await trx
    .updateTable('webhook.delivery')
    .set((eb) => ({
      attempts: eb('attempts', '+', 1),
      last_status: a.statusCode ?? null,
      last_error: a.error?.slice(0, 1000) ?? null,
      updated_at: a.at,
      ...(outcome.kind === 'delivered'
        ? { status: 'delivered' as const, delivered_at: a.at }
        : outcome.kind === 'retry'
          ? { next_attempt_at: outcome.nextAttemptAt }
          : { status: 'failed' as const }),
    }))
    .where('id', '=', a.deliveryId)
    .where('status', '=', 'pending')
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/** Marks an endpoint failing since `at` unless it already is; returns since when it has been failing. */
export async function markFailing(trx: WebhookTrx, endpointId: string, at: Date): Promise<Date | undefined> {
  const row = await trx
    .updateTable('webhook.endpoint')
    .set((eb) => ({ failing_since: eb.fn.coalesce('failing_since', sql<Date>`${at}::timestamptz`) }))
    .where('id', '=', endpointId)
    .returning('failing_since')
    .executeTakeFirst();
  return row?.failing_since ?? undefined;
}

export async function markHealthy(trx: WebhookTrx, endpointId: string): Promise<void> {
  await trx
    .updateTable('webhook.endpoint')
    .set({ failing_since: null })
    .where('id', '=', endpointId)
    .where('failing_since', 'is not', null)
    .execute();
}

/** Disables an endpoint and cancels its pending deliveries; returns how many were cancelled. */
export async function disableEndpoint(trx: WebhookTrx, endpointId: string, reason: string, at: Date): Promise<number> {
  await trx
    .updateTable('webhook.endpoint')
    .set({ status: 'disabled', disabled_reason: reason.slice(0, 500), updated_at: at })
    .where('id', '=', endpointId)
    .execute();
  const cancelled = await trx
    .updateTable('webhook.delivery')
    .set({ status: 'cancelled', updated_at: at })
    .where('endpoint_id', '=', endpointId)
    .where('status', '=', 'pending')
    .returning('id')
    .execute();
  return cancelled.length;
}

export async function listDeliveries(
  db: WebhookExecutor,
  endpointId: string,
  limit: number,
): Promise<{ delivery: Delivery; attempts: DeliveryAttempt[] }[]> {
  const rows = await db
    .selectFrom('webhook.delivery')
    .selectAll()
    .where('endpoint_id', '=', endpointId)
    .orderBy('seq', 'desc')
    .limit(limit)
    .execute();
  if (rows.length === 0) return [];
  const attempts = await db
    .selectFrom('webhook.delivery_attempt')
    .selectAll()
    .where(
      'delivery_id',
      'in',
      rows.map((r) => r.id),
    )
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    delivery: rowToDelivery(r),
    attempts: attempts.filter((a) => a.delivery_id === r.id).map(rowToAttempt),
  }));
}

/** A delivery within the scope (through its endpoint's organization). */
export async function findDelivery(db: WebhookExecutor, id: string, scope: EndpointScope): Promise<Delivery | undefined> {
  const row = await db
    .selectFrom('webhook.delivery as d')
    .innerJoin('webhook.endpoint as e', 'e.id', 'd.endpoint_id')
    .selectAll('d')
    .where('d.id', '=', id)
    .where(scoped(scope, 'e.organization_id'))
    .executeTakeFirst();
  return row === undefined ? undefined : rowToDelivery(row);
}

/** Makes a delivery due now again with a fresh schedule (a manual retry); false when one of its event is already pending. */
export async function requeueDelivery(trx: WebhookTrx, id: string, at: Date): Promise<Delivery | undefined> {
  const row = await trx
    .updateTable('webhook.delivery')
    .set({ status: 'pending', attempts: 0, next_attempt_at: at, delivered_at: null, updated_at: at })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
  return row === undefined ? undefined : rowToDelivery(row);
}

/** How many stored secrets (current and rotated-out) each PII key seals, for `innkeeper keys rotate-pii`. */
export async function secretKeyUse(db: WebhookExecutor): Promise<{ keyId: string; values: number }[]> {
  const { rows } = await sql<{ kid: string; n: number }>`
    select case when v like 'pii1.%' then split_part(v, '.', 2) else 'plain' end as kid, count(*)::int as n
    from (
      select secret as v from webhook.endpoint
      union all select previous_secret from webhook.endpoint where previous_secret is not null
    ) values_ group by 1 order by 1`.execute(db);
  return rows.map((r) => ({ keyId: r.kid, values: r.n }));
}

/** Endpoints with a secret not sealed under `currentKeyId`, with their stored values. */
export async function secretsNotUnder(
  db: WebhookExecutor,
  currentKeyId: string,
): Promise<{ id: string; secret: string; previousSecret: string | null }[]> {
  const prefix = `pii1.${currentKeyId}.%`;
  const rows = await db
    .selectFrom('webhook.endpoint')
    .select(['id', 'secret', 'previous_secret'])
    .where((eb) => eb.or([eb('secret', 'not like', prefix), eb('previous_secret', 'not like', prefix)]))
    .orderBy('seq')
    .execute();
  return rows.map((r) => ({ id: r.id, secret: r.secret, previousSecret: r.previous_secret }));
}

/** Replaces an endpoint's sealed secrets, unless they changed meanwhile (a rotation): false then. */
export async function replaceSealedSecrets(
  db: WebhookExecutor,
  id: string,
  was: { secret: string; previousSecret: string | null },
  now: { secret: string; previousSecret: string | null },
): Promise<boolean> {
  let q = db
    .updateTable('webhook.endpoint')
    .set({ secret: now.secret, previous_secret: now.previousSecret })
    .where('id', '=', id)
    .where('secret', '=', was.secret);
  q = was.previousSecret === null ? q.where('previous_secret', 'is', null) : q.where('previous_secret', '=', was.previousSecret);
  return (await q.returning('id').execute()).length > 0;
}
