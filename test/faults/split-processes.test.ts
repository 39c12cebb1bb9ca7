/**
 * `--services` split across two real processes on one PostgreSQL: booking in one, inventory in the
 * other. Stopping the inventory process makes creates answer 503 and leave nothing behind.
 * (PGlite is one process's embedded database, so this runs on PostgreSQL only.)
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startCli, type StartedProcess } from '../helpers/process.js';

const backend = inject('backend');

describe.runIf(backend === 'postgres')('booking and inventory in two processes', () => {
  const name = `innkeeper_split_${randomBytes(4).toString('hex')}`;
  let admin: pg.Client;
  let url: string;
  let inventory: StartedProcess | undefined;
  let booking: StartedProcess | undefined;

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: inject('postgresUrl') });
    await admin.connect();
    await admin.query(`create database ${name}`);
    const u = new URL(inject('postgresUrl'));
    u.pathname = `/${name}`;
    url = u.toString();
  });
  afterAll(async () => {
    await booking?.stop();
    await inventory?.stop();
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  });

  it('books through the other process, and answers 503 leaving nothing behind once it stops', async () => {
    inventory = await startCli(['--services', 'inventory'], { DATABASE_URL: url });
    booking = await startCli(['--services', 'booking'], { DATABASE_URL: url, INVENTORY_URL: inventory.url });
    const json = { 'content-type': 'application/json' };
    const post = (base: string, path: string, body: unknown) =>
      fetch(`${base}${path}`, { method: 'POST', headers: json, body: JSON.stringify(body) });

    expect(
      (await post(inventory.url, '/api/v1/venues', { id: 'split-hotel', organization_id: 'o', type: 'hotel', name: 'Split Hotel' })).status,
    ).toBe(201);
    expect(
      (
        await post(inventory.url, '/api/v1/venues/split-hotel/room-types', {
          id: 'SPLIT-STD',
          name: 'Standard',
          capacity_adults: 2,
          price: 9000,
          total_quantity: 3,
        })
      ).status,
    ).toBe(201);
    // The booking process serves no inventory routes of its own.
    expect((await fetch(`${booking.url}/api/v1/venues/split-hotel`)).status).toBe(404);

    const stay = {
      guest_id: 'g',
      guest_name: 'Grace',
      venue_id: 'split-hotel',
      venue_type: 'hotel',
      booking_date: '2030-05-01',
      nights: 2,
      party_size: 2,
      room_type_id: 'SPLIT-STD',
    };
    const ok = await post(booking.url, '/api/v1/bookings', stay);
    expect(ok.status).toBe(201);

    expect((await inventory.stop()).code).toBe(0);
    inventory = undefined;
    const down = await post(booking.url, '/api/v1/bookings', stay);
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({ error: { code: 'INVENTORY_SERVICE_UNAVAILABLE' } });

    const db = new pg.Client({ connectionString: url });
    await db.connect();
    const bookings = await db.query<{ n: number }>('select count(*)::int as n from booking.booking');
    const holds = await db.query<{ n: number }>("select count(*)::int as n from inventory.hold where status in ('HELD', 'CONFIRMED')");
    await db.end();
    expect(bookings.rows[0]!.n).toBe(1);
    expect(holds.rows[0]!.n).toBe(1);
  });
});
