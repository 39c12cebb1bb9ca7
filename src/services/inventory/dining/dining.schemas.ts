/** The /api/v1 contracts of dining: one TypeBox schema per request and reply (validation, types, OpenAPI). */
import { Type, type Static } from 'typebox';
import {
  DiningArea as Area,
  DurationMinutes,
  InventoryId as VenueId,
  LocalTime,
  type DiningAvailabilityReply,
} from '../../../contracts/inventory.js';
import { IsoDate, IsoDateTime, Uuid } from '../../../platform/http/schemas.js';
import type { DiningTable } from './dining-table.repository.js';
import type { DayAvailability } from './dining.service.js';
import type { DiningSettings } from './dining.settings.js';
import { formatTime, weekdayName } from './slots.domain.js';

// What other services call (availability, dining holds) is in src/contracts/inventory.ts.
export {
  DiningAvailabilityQuery as AvailabilityQuery,
  DiningAvailabilityReply as AvailabilityReply,
  DiningHoldBody,
} from '../../../contracts/inventory.js';

const ClosingTime = Type.String({
  pattern: '^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$',
  description: 'Venue-local time, HH:MM; at or before `opens` means the next day (18:00–02:00 crosses midnight); 24:00 is midnight',
});
const Weekday = Type.Union(
  [
    Type.Literal('mon'),
    Type.Literal('tue'),
    Type.Literal('wed'),
    Type.Literal('thu'),
    Type.Literal('fri'),
    Type.Literal('sat'),
    Type.Literal('sun'),
  ],
  { description: 'mon … sun' },
);

export const VenueParams = Type.Object({ venue_id: VenueId });
export const TableParams = Type.Object({ table_id: Uuid });

// ---------------------------------------------------------------------------------------------------
// Settings

const OpeningInterval = Type.Object(
  { weekday: Weekday, opens: LocalTime, closes: ClosingTime },
  { additionalProperties: false, description: 'One service of a weekday; a day may have several (lunch, dinner)' },
);
const DurationRule = Type.Object(
  { max_party: Type.Integer({ minimum: 1, maximum: 1000 }), minutes: DurationMinutes },
  { additionalProperties: false, description: 'Parties of at most max_party sit this long (the smallest matching max_party wins)' },
);

export const DiningSettingsBody = Type.Object(
  {
    slot_minutes: Type.Optional(
      Type.Integer({
        minimum: 5,
        maximum: 120,
        default: 15,
        description: 'Slot grid from midnight; must divide a day (5, 10, 15, 20, 30, 60…)',
      }),
    ),
    default_duration_minutes: Type.Optional(Type.Integer({ minimum: 15, maximum: 720, description: 'Default: restaurant 120, cafe 60' })),
    durations: Type.Optional(Type.Array(DurationRule, { maxItems: 50, default: [] })),
    buffer_minutes: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 240, default: 0, description: 'Turn (cleaning) time a table stays blocked after a seating' }),
    ),
    // `nullable`, not a union with null: the app's ajv coerces types, and would read 0 as null (no pacing).
    pacing_covers: Type.Optional(
      Type.Unsafe<number | null>({
        type: 'integer',
        nullable: true,
        minimum: 1,
        maximum: 100000,
        default: null,
        description: 'At most this many new covers starting in any one slot; null: no pacing',
      }),
    ),
    hours: Type.Array(OpeningInterval, { maxItems: 70 }),
    closed_dates: Type.Optional(Type.Array(IsoDate, { maxItems: 1000, default: [], description: 'Service days the venue does not open' })),
  },
  { additionalProperties: false },
);
export type DiningSettingsBody = Static<typeof DiningSettingsBody>;

export const DiningSettingsReply = Type.Object(
  {
    venue_id: Type.String(),
    venue_type: Type.Union([Type.Literal('restaurant'), Type.Literal('cafe'), Type.Literal('hotel'), Type.Literal('retail')]),
    time_zone: Type.String(),
    configured: Type.Boolean({ description: 'False until settings were first put (defaults, no opening hours: closed)' }),
    slot_minutes: Type.Integer(),
    default_duration_minutes: Type.Integer(),
    durations: Type.Array(Type.Object({ max_party: Type.Integer(), minutes: Type.Integer() })),
    buffer_minutes: Type.Integer(),
    pacing_covers: Type.Union([Type.Integer(), Type.Null()]),
    hours: Type.Array(Type.Object({ weekday: Weekday, opens: Type.String(), closes: Type.String() })),
    closed_dates: Type.Array(Type.String()),
    updated_at: Type.Union([IsoDateTime, Type.Null()]),
  },
  { $id: 'DiningSettings' },
);

export function settingsToReply(
  venue: { id: string; type: string; timeZone: string },
  s: DiningSettings,
): Static<typeof DiningSettingsReply> {
  return {
    venue_id: venue.id,
    venue_type: venue.type as Static<typeof DiningSettingsReply>['venue_type'],
    time_zone: venue.timeZone,
    configured: s.configured,
    slot_minutes: s.slotMinutes,
    default_duration_minutes: s.defaultDurationMinutes,
    durations: s.durationRules.map((r) => ({ max_party: r.maxParty, minutes: r.minutes })),
    buffer_minutes: s.bufferMinutes,
    pacing_covers: s.pacingCovers,
    hours: s.hours.map((h) => ({
      weekday: weekdayName(h.weekday),
      opens: formatTime(h.opens),
      closes: h.closes === 1440 ? '24:00' : formatTime(h.closes),
    })),
    closed_dates: [...s.closedDates].sort(),
    updated_at: s.updatedAt?.toISOString() ?? null,
  };
}

// ---------------------------------------------------------------------------------------------------
// Tables

export const CreateTableBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100, description: 'Unique in the venue, e.g. T12' }),
    min_seats: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 1 })),
    max_seats: Type.Integer({ minimum: 1, maximum: 1000 }),
    area: Type.Optional(Type.String({ minLength: 1, maxLength: 100, default: 'main', description: 'e.g. terrace, main room' })),
  },
  { additionalProperties: false },
);

export const UpdateTableBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    min_seats: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    max_seats: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    area: Type.Optional(Area),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const TablesQuery = Type.Object({ include_inactive: Type.Optional(Type.Boolean()) }, { additionalProperties: false });

export const TableReply = Type.Object(
  {
    id: Uuid,
    venue_id: Type.String(),
    name: Type.String(),
    min_seats: Type.Integer(),
    max_seats: Type.Integer(),
    area: Type.String(),
    active: Type.Boolean(),
    created_at: IsoDateTime,
    updated_at: IsoDateTime,
  },
  { $id: 'DiningTable' },
);

export function tableToReply(t: DiningTable): Static<typeof TableReply> {
  return {
    id: t.id,
    venue_id: t.venueId,
    name: t.name,
    min_seats: t.minSeats,
    max_seats: t.maxSeats,
    area: t.area,
    active: t.active,
    created_at: t.createdAt.toISOString(),
    updated_at: t.updatedAt.toISOString(),
  };
}

// ---------------------------------------------------------------------------------------------------
// Availability and holds

export function availabilityToReply(a: DayAvailability): DiningAvailabilityReply {
  return {
    venue_id: a.venue.id,
    date: a.date,
    time_zone: a.venue.timeZone,
    party_size: a.partySize,
    duration_minutes: a.durationMinutes,
    closed: a.closed,
    slots: a.slots.map((s) => ({
      time: s.time,
      start: s.start.toISOString(),
      end: s.end.toISOString(),
      available: s.available,
      tables_free: s.tablesFree,
      covers_left: s.coversLeft,
    })),
  };
}
