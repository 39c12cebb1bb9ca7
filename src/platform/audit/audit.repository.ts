/**
 * SQL of the audit trail (`platform.audit_event`, append-only by trigger). A service records an
 * action with the executor of the transaction that performs it, so the entry exists exactly when
 * the action does. Entries carry ids, never guest data.
 */
import { sql, type QueryExecutorProvider } from 'kysely';

/** The sensitive actions the trail records. */
export const AUDIT_ACTIONS = [
  'guest.data_exported',
  'guest.erased',
  'bookings.read_in_bulk',
  'payment.refunded',
  'pricing.changed',
  'staff_user.saved',
  'api_key.created',
  'api_key.revoked',
  'webhook_endpoint.created',
  'webhook_endpoint.deleted',
  'webhook_endpoint.secret_rotated',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditActor {
  readonly id: string;
  readonly role: string;
}

export interface AuditEntry {
  readonly actor: AuditActor;
  readonly action: AuditAction;
  readonly objectType: string;
  readonly objectId: string;
  readonly requestId?: string | undefined;
  /** Ids and counts only: never a name, an email, a phone or a card. */
  readonly details?: Record<string, unknown>;
  readonly at: Date;
}

export interface AuditRecord extends Omit<AuditEntry, 'details'> {
  readonly id: number;
  readonly details: Record<string, unknown>;
}

export async function recordAudit(db: QueryExecutorProvider, e: AuditEntry): Promise<void> {
  await sql`
    insert into platform.audit_event (at, actor, actor_role, action, object_type, object_id, request_id, details)
    values (${e.at}, ${e.actor.id}, ${e.actor.role}, ${e.action}, ${e.objectType}, ${e.objectId}, ${e.requestId ?? null},
            ${JSON.stringify(e.details ?? {})}::jsonb)`.execute(db);
}

export interface AuditFilter {
  readonly action?: string | undefined;
  readonly actor?: string | undefined;
  readonly objectType?: string | undefined;
  readonly objectId?: string | undefined;
  readonly from?: Date | undefined;
  readonly to?: Date | undefined;
  /** Entries older than this id (the page before). */
  readonly beforeId?: number | undefined;
  readonly limit: number;
}

interface AuditRow {
  id: string | number;
  at: Date;
  actor: string;
  actor_role: string;
  action: string;
  object_type: string;
  object_id: string;
  request_id: string | null;
  details: Record<string, unknown>;
}

/** The newest entries first, filtered; `beforeId` pages back. */
export async function listAudit(db: QueryExecutorProvider, f: AuditFilter): Promise<AuditRecord[]> {
  const where = [sql`true`];
  if (f.action !== undefined) where.push(sql`action = ${f.action}`);
  if (f.actor !== undefined) where.push(sql`actor = ${f.actor}`);
  if (f.objectType !== undefined) where.push(sql`object_type = ${f.objectType}`);
  if (f.objectId !== undefined) where.push(sql`object_id = ${f.objectId}`);
  if (f.from !== undefined) where.push(sql`at >= ${f.from}`);
  if (f.to !== undefined) where.push(sql`at < ${f.to}`);
  if (f.beforeId !== undefined) where.push(sql`id < ${f.beforeId}`);
  const { rows } = await sql<AuditRow>`
    select id, at, actor, actor_role, action, object_type, object_id, request_id, details from platform.audit_event
    where ${sql.join(where, sql` and `)} order by id desc limit ${f.limit}`.execute(db);
  return rows.map((r) => ({
    id: Number(r.id),
    at: r.at,
    actor: { id: r.actor, role: r.actor_role },
    action: r.action as AuditAction,
    objectType: r.object_type,
    objectId: r.object_id,
    requestId: r.request_id ?? undefined,
    details: r.details,
  }));
}
