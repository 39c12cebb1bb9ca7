/**
 * The cross-process fault tests' world: a PostgreSQL database of their own (a copy of the migrated
 * template), real `innkeeper start` processes over it that a test starts, kills and restarts, and the
 * checks that money and rooms agree once everything settled. PostgreSQL only: a PGlite data directory
 * admits one process.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { expect, inject } from 'vitest';
import { openDatabase } from '../../src/platform/db/database.js';
import { expectReconciled } from '../helpers/booking-fixtures.js';
import { send, type Json } from '../helpers/crash.js';
import { runCli, startCli, type StartedProcess } from '../helpers/process.js';

export interface SplitWorld {
  /** The database's connection string (DATABASE_URL of every process). */
  readonly url: string;
  /** Starts `innkeeper start <args>` on this database (on `port` when given); killed by `killAll`. */
  start(args: string[], env?: Record<string, string>, port?: number): Promise<StartedProcess>;
  /** Runs one scheduled job by hand (`innkeeper jobs run NAME`) with `env`; answers its output. */
  runJob(name: string, env: Record<string, string>): Promise<string>;
  query<T extends pg.QueryResultRow>(text: string, params?: unknown[]): Promise<T[]>;
  /** Kills every process this world started that still runs. */
  killAll(): Promise<void>;
  dispose(): Promise<void>;
}

export async function splitWorld(tag: string): Promise<SplitWorld> {
  const adminUrl = inject('postgresUrl');
  const template = inject('postgresTemplate');
  // Named after this run's template, so the run's teardown drops it even if this file crashed.
  const name = `${template.replace('innkeeper_tpl_', 'innkeeper_t_')}_${tag}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name} template ${template}`);
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  const url = u.toString();
  // One client (queries queue on it): ended, and waited for, before the database is dropped.
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const started: StartedProcess[] = [];
  const alive = (p: StartedProcess) => p.child.exitCode === null && p.child.signalCode === null;
  return {
    url,
    start: async (args, env = {}, port) => {
      const p = await startCli(args, { DATABASE_URL: url, ...env }, port);
      started.push(p);
      return p;
    },
    runJob: async (job, env) => {
      const run = await runCli(['jobs', 'run', job], { DATABASE_URL: url, ...env }, 120_000);
      return `${run.code}: ${run.stdout}${run.stderr}`;
    },
    query: async <T extends pg.QueryResultRow>(text: string, params: unknown[] = []) => (await client.query<T>(text, params)).rows,
    killAll: async () => {
      for (const p of started.splice(0)) if (alive(p)) await p.stop('SIGKILL');
    },
    dispose: async () => {
      await client.end();
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

/** Running sagas plus booking tasks not done yet: what recovery and the sync job still have to do. */
export async function openWork(world: SplitWorld): Promise<number> {
  const [row] = await world.query<{ n: number }>(
    `select (select count(*) from booking.saga where status = 'running') + (select count(*) from booking.task where done_at is null) as n`,
  );
  return Number(row!.n);
}

/** Polls (bounded) until no saga runs and no booking task is left; `nudge` may run a job between looks. */
export async function waitSettled(world: SplitWorld, timeoutMs: number, nudge?: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await openWork(world)) > 0) {
    if (Date.now() > deadline) {
      const sagas = await world.query(`select kind, step, status, outcome, data from booking.saga where status = 'running'`);
      const tasks = await world.query(`select action, attempts, last_error from booking.task where done_at is null`);
      throw new Error(`still open after ${timeoutMs} ms: ${JSON.stringify({ sagas, tasks })}`);
    }
    if (nudge !== undefined) await nudge();
    else await new Promise((r) => setTimeout(r, 500));
  }
}

/**
 * Everything agrees: rooms (expectReconciled), money (each booking's captured − refunded is what its
 * payment intents received net; an intent of no booking nets zero), no authorization left
 * uncaptured, no saga running.
 */
export async function expectConsistent(world: SplitWorld): Promise<void> {
  const database = await openDatabase({ kind: 'postgres', url: world.url, poolSize: 2 });
  try {
    await expectReconciled({ database });
  } finally {
    await database.close();
  }
  const money = await world.query<{ id: string; status: string; booked: number; paid: number }>(`
    select b.id::text as id, b.status, (b.amount_captured - b.amount_refunded)::int as booked,
           coalesce((select sum(i.amount_received - i.amount_refunded) from payment.payment_intent i where i.booking_id = b.id::text), 0)::int as paid
    from booking.booking b`);
  expect(
    money.filter((m) => m.booked !== m.paid),
    'every booking says what its intents received net',
  ).toEqual([]);
  const orphans = await world.query(`
    select id, status, amount_received, amount_refunded from payment.payment_intent i
    where not exists (select 1 from booking.booking b where b.id::text = i.booking_id) and amount_received <> amount_refunded`);
  expect(orphans, 'no money kept for a booking that does not exist').toEqual([]);
  const uncaptured = await world.query(`select id, booking_id from payment.payment_intent where status = 'requires_capture'`);
  expect(uncaptured, 'no authorization left uncaptured').toEqual([]);
  const running = await world.query(`select id, kind, step from booking.saga where status = 'running'`);
  expect(running, 'no saga left running').toEqual([]);
}

const card = (number: string) => ({ card_number: number, exp_month: 12, exp_year: 2031, cvc: '123' });
export const APPROVED = card('4242424242424242');
export const DECLINED = card('4000000000000002');

let seq = 0;

/** A hotel of `rooms` standard rooms at 10 000 a night, made through the inventory process. */
export async function makeHotel(inventoryUrl: string, rooms: number): Promise<{ venueId: string; roomTypeId: string }> {
  const venueId = `split-${process.pid}-${++seq}-${randomBytes(2).toString('hex')}`;
  const ok = async (res: Promise<{ status: number; body: Json }>) => {
    const r = await res;
    expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
  };
  await ok(
    send(inventoryUrl, 'POST', '/api/v1/venues', { id: venueId, organization_id: 'o', type: 'hotel', name: venueId, currency: 'GBP' }),
  );
  const roomTypeId = `${venueId}-STD`;
  await ok(
    send(inventoryUrl, 'POST', `/api/v1/venues/${venueId}/room-types`, {
      id: roomTypeId,
      name: 'Standard',
      capacity_adults: 2,
      price: 10_000,
      total_quantity: rooms,
    }),
  );
  return { venueId, roomTypeId };
}

/** A create body for a stay of `nights` from `date` (paid now with `payment` when given). */
export function stay(hotel: { venueId: string; roomTypeId: string }, n: number, nights = 2, date = '2031-03-01', payment?: Json): Json {
  return {
    guest_id: `g${n}`,
    guest_name: `Guest ${n}`,
    venue_id: hotel.venueId,
    venue_type: 'hotel',
    booking_date: date,
    nights,
    party_size: 2,
    room_type_id: hotel.roomTypeId,
    ...(payment === undefined ? {} : { payment_method: payment }),
  };
}
