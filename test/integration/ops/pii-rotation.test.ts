/**
 * `innkeeper keys rotate-pii` as an operator runs it, on real processes and both back ends: a new key
 * goes first, the run is SIGKILLed half way (after its second batch of booking rows), run again it
 * resumes, and in the end every stored guest value is under the new key, the old key is retired,
 * nothing was lost and lookups by email worked throughout. On PostgreSQL bookings and lookups go on
 * while the values move; a PGlite data directory admits one process, so there the server is stopped.
 */
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { crashWorld, send, type CrashWorld } from '../../helpers/crash.js';
import { runCli, type StartedProcess } from '../../helpers/process.js';

const backend = inject('backend');

describe('innkeeper keys rotate-pii', { timeout: 300_000 }, () => {
  let world: CrashWorld;
  beforeAll(async () => {
    world = await crashWorld(backend);
  });
  afterAll(async () => {
    await world.killAll();
    await world.dispose();
  });

  const cli = (args: string[], env: Record<string, string> = {}) =>
    runCli([...args, ...world.cli.args], { ...world.cli.env, ...env }, 120_000);
  const keyFile = () =>
    backend === 'postgres' ? world.cli.env.PII_KEY_FILE! : `${world.cli.args[1]!.replace(/[/\\]+$/, '')}.pii-keys.json`;
  const keyIds = () => (JSON.parse(fs.readFileSync(keyFile(), 'utf8')) as { keys: { id: string }[] }).keys.map((k) => k.id);

  /** How many stored guest values name each key, read with SQL (`plain`: not sealed). */
  const keyUse = () =>
    world.read(async (database) => {
      const { rows } = await sql<{ kid: string; n: number }>`
        select kid, count(*)::int as n from (
          select case when v like 'pii1.%' then split_part(v, '.', 2) else 'plain' end as kid from (
            select guest_name as v from booking.booking
            union all select guest_email from booking.booking where guest_email is not null
            union all select guest_phone from booking.booking where guest_phone is not null
            union all select special_requests from booking.booking where special_requests is not null) a
          union all
          select m[1] from booking.idempotency_key t, regexp_matches(t.response_body::text, '"pii1\\.([A-Za-z0-9_-]+)\\.', 'g') m
          union all
          select m[1] from booking.saga t, regexp_matches(t.data::text, '"pii1\\.([A-Za-z0-9_-]+)\\.', 'g') m
        ) k group by kid`.execute(database.db);
      return Object.fromEntries(rows.map((r) => [r.kid, r.n]));
    });

  it('moves every guest value to a new key, killed half way and run again, and retires the old key', async () => {
    let proc: StartedProcess = await world.start();
    const venueId = `rot-${backend}`;
    expect(
      (
        await send(proc.url, 'POST', '/api/v1/venues', {
          id: venueId,
          organization_id: 'org-rot',
          type: 'hotel',
          name: 'Rotation Hotel',
          location: 'Leeds',
          time_zone: 'Europe/London',
          currency: 'GBP',
        })
      ).status,
    ).toBe(201);
    const roomType = `${venueId}-STD`;
    expect(
      (
        await send(proc.url, 'POST', `/api/v1/venues/${venueId}/room-types`, {
          id: roomType,
          name: 'Standard Rooms',
          capacity_adults: 4,
          price: 9_000,
          total_quantity: 500,
        })
      ).status,
    ).toBe(201);

    const guests = new Map<string, { email: string; name: string; phone: string }>();
    let made = 0;
    const book = async (base: string) => {
      const n = made++;
      const g = { email: `guest-${n}@rotation.example`, name: `Rotation Guest ${n}`, phone: `+44 113 496 ${String(1000 + n)}` };
      const r = await send(
        base,
        'POST',
        '/api/v1/bookings',
        {
          venue_id: venueId,
          venue_type: 'hotel',
          booking_date: `2027-0${1 + (n % 9)}-10`,
          nights: 1,
          party_size: 1,
          room_type_id: roomType,
          guest_name: g.name,
          guest_email: g.email,
          guest_phone: g.phone,
        },
        { 'idempotency-key': `rot-${n}` },
      );
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      guests.set(r.body.id as string, g);
      return r.body;
    };
    const first = await book(proc.url);
    for (let i = 1; i < 40; i++) await book(proc.url);
    expect(keyIds()).toEqual(['k1']);
    if (backend === 'pglite') await proc.stop('SIGTERM');
    const before = await keyUse();
    expect(Object.keys(before)).toEqual(['k1']);

    /** A lookup by email finds exactly its booking. */
    const lookupFails: string[] = [];
    const lookup = async (base: string) => {
      const r = await send(base, 'POST', '/api/v1/bookings/lookup', {
        reference: first.booking_reference,
        email: 'GUEST-0@rotation.example',
      });
      if (r.status !== 200 || r.body.id !== first.id) lookupFails.push(`${r.status} ${JSON.stringify(r.body)}`);
      const s = await send(base, 'GET', `/api/v1/bookings?guest_email=${encodeURIComponent('guest-1@rotation.example')}`);
      if (s.status !== 200 || s.body.total !== 1) lookupFails.push(`${s.status} ${JSON.stringify(s.body)}`);
    };

    let load: Promise<void> = Promise.resolve();
    let stop = false;
    if (backend === 'postgres') {
      const base = proc.url;
      load = (async () => {
        while (!stop) {
          await book(base);
          await lookup(base);
        }
      })();
    }

    const killed = await cli(['keys', 'rotate-pii', '--batch', '5'], { INNKEEPER_FAULT_CRASH_AFTER: 'rotate-pii:booking.booking:2' });
    expect(killed.signal, killed.stdout + killed.stderr).toBe('SIGKILL');
    expect(killed.stdout).toMatch(/new key k2 written first/);
    expect(keyIds()).toEqual(['k2', 'k1']);
    const halfWay = await (backend === 'postgres' ? keyUse() : keyUse());
    expect(halfWay.k2).toBeGreaterThanOrEqual(10 * 2); // two batches of five rows, name and email and phone each
    expect(halfWay.k1).toBeGreaterThan(0);

    const resumed = await cli(['keys', 'rotate-pii', '--batch', '5']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/resuming — \d+ values under key k1; moving them to key k2/);
    expect(keyIds()[0]).toBe('k2');

    if (backend === 'postgres') {
      stop = true;
      await load;
    }
    // The rotation ends once no value is left under the old key (more may have been sealed under it
    // by a process that had not read the new key file yet): a run that says "run it again" left the
    // rotation open, and the next one resumes it instead of starting another.
    let runs = 0;
    for (let out = resumed.stdout; out.includes('run it again') && runs < 3; runs++) {
      const again = await cli(['keys', 'rotate-pii', '--batch', '50']);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toMatch(/resuming/);
      out = again.stdout;
    }
    expect(runs).toBeLessThan(3);
    const status = await cli(['keys', 'status']);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout, status.stdout).toMatch(/key k2 \(current: seals new values\): \d+ values/);
    expect(status.stdout).not.toMatch(/key k1/);
    expect(keyIds()).toEqual(['k2']);
    expect(Object.keys(await keyUse())).toEqual(['k2']);

    // Nothing lost: every booking shows its guest as created, through the API.
    if (backend === 'pglite') proc = await world.start();
    for (const [id, g] of guests) {
      const r = await send(proc.url, 'GET', `/api/v1/bookings/${id}`);
      expect(r.status).toBe(200);
      const b = r.body;
      expect([b.guest_name, b.guest_email, b.guest_phone]).toEqual([g.name, g.email, g.phone]);
    }
    await lookup(proc.url);
    expect(lookupFails).toEqual([]);
    expect(guests.size).toBeGreaterThanOrEqual(40);
    await proc.stop('SIGTERM');
    expect(fs.statSync(keyFile()).mode & 0o777).toBe(0o600);
    expect(path.isAbsolute(keyFile())).toBe(true);
  });
});
