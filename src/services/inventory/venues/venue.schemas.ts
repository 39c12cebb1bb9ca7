/**
 * The /api/v1/venues contract: the read side callers depend on (schemas in src/contracts/inventory.ts),
 * the administration bodies, and the mapper from a venue to its reply.
 */
import { Type } from 'typebox';
import { InventoryId as VenueId, VenueTypeSchema, type VenueReply } from '../../../contracts/inventory.js';
import type { Venue } from './venue.repository.js';

export { VenueParams, VenueReply, VenueTypeSchema } from '../../../contracts/inventory.js';

const Currency = Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 code, e.g. GBP' });

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

export const VenueQuery = Type.Object(
  {
    type: Type.Optional(VenueTypeSchema),
    location: Type.Optional(Type.String({ minLength: 1 })),
    organization_id: Type.Optional(Type.String({ minLength: 1 })),
    include_inactive: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export function venueToReply(v: Venue): VenueReply {
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
