import { Type, type Static } from 'typebox';
import { IsoDateTime } from '../../../platform/http/schemas.js';
import type { Venue } from './venue.repository.js';

export const VenueTypeSchema = Type.Union([
  Type.Literal('hotel'),
  Type.Literal('restaurant'),
  Type.Literal('cafe'),
  Type.Literal('retail'),
]);
const VenueId = Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,64}$', description: 'Letters, digits and _.:- (1–64)' });
const Currency = Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 code, e.g. GBP' });

export const VenueReply = Type.Object(
  {
    id: Type.String(),
    organization_id: Type.String(),
    type: VenueTypeSchema,
    name: Type.String(),
    location: Type.String(),
    time_zone: Type.String(),
    currency: Type.String(),
    active: Type.Boolean(),
    created_at: IsoDateTime,
    updated_at: IsoDateTime,
  },
  { $id: 'Venue' },
);

export const CreateVenueBody = Type.Object(
  {
    id: Type.Optional(VenueId),
    organization_id: Type.String({ minLength: 1, maxLength: 100, description: 'The business that owns the venue' }),
    type: VenueTypeSchema,
    name: Type.String({ minLength: 1, maxLength: 200 }),
    location: Type.Optional(Type.String({ maxLength: 200 })),
    time_zone: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'IANA time zone, e.g. Europe/London' })),
    currency: Type.Optional(Currency),
  },
  { additionalProperties: false },
);

export const UpdateVenueBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    location: Type.Optional(Type.String({ maxLength: 200 })),
    time_zone: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    currency: Type.Optional(Currency),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const VenueParams = Type.Object({ venue_id: VenueId });
export const VenueQuery = Type.Object(
  {
    type: Type.Optional(VenueTypeSchema),
    location: Type.Optional(Type.String({ minLength: 1 })),
    organization_id: Type.Optional(Type.String({ minLength: 1 })),
    include_inactive: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export function venueToReply(v: Venue): Static<typeof VenueReply> {
  return {
    id: v.id,
    organization_id: v.organizationId,
    type: v.type,
    name: v.name,
    location: v.location,
    time_zone: v.timeZone,
    currency: v.currency,
    active: v.active,
    created_at: v.createdAt.toISOString(),
    updated_at: v.updatedAt.toISOString(),
  };
}
