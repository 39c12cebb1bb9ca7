/**
 * The hold contract (schemas in src/contracts/inventory.ts, shared with the services that call these
 * routes) and the mapper from a hold to its reply.
 */
import type { HoldReply } from '../../../contracts/inventory.js';
import type { Hold } from './hold.service.js';

export { HoldParams, HoldReply, ReleaseBody, TtlSeconds } from '../../../contracts/inventory.js';

export function holdToReply(hold: Hold): HoldReply {
  return {
    id: hold.id,
    kind: hold.kind,
    venue_id: hold.venueId,
    status: hold.status,
    expires_at: hold.expiresAt.toISOString(),
    created_at: hold.createdAt.toISOString(),
    updated_at: hold.updatedAt.toISOString(),
    confirmed_at: hold.confirmedAt?.toISOString() ?? null,
    ended_at: hold.endedAt?.toISOString() ?? null,
    end_reason: hold.endReason,
    details: hold.details,
  };
}
