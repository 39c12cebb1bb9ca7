import { sql, type Kysely } from 'kysely';

// Frozen: migrations never import application code.
// The audit trail: who did what sensitive thing to which object, written in the same transaction as
// the action (every service's schema lives in the one database, so a service's transaction can write
// here). Append-only: a trigger refuses every UPDATE, DELETE and TRUNCATE, for the application's role
// as for any other that is not the table's owner acting with the trigger disabled.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table platform.audit_event (
      id bigint generated always as identity primary key,
      at timestamptz not null,
      actor text not null,
      actor_role text not null,
      action text not null,
      object_type text not null,
      object_id text not null,
      request_id text,
      details jsonb not null default '{}'::jsonb
    )`.execute(db);
  await sql`create index audit_event_recent on platform.audit_event (at desc, id desc)`.execute(db);
  await sql`create index audit_event_object on platform.audit_event (object_type, object_id, id)`.execute(db);
  await sql`
    create function platform.audit_event_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'platform.audit_event is append-only: % refused', tg_op using errcode = 'insufficient_privilege';
    end
    $$`.execute(db);
  await sql`
    create trigger audit_event_no_change before update or delete on platform.audit_event
    for each row execute function platform.audit_event_append_only()`.execute(db);
  await sql`
    create trigger audit_event_no_truncate before truncate on platform.audit_event
    for each statement execute function platform.audit_event_append_only()`.execute(db);
}
