import { Type, type Static } from 'typebox';
import { IsoDateTime, Uuid } from '../../../platform/http/schemas.js';
import { DEFAULT_HOLD_TTL_SECONDS, MAX_HOLD_TTL_SECONDS, type Hold } from './hold.service.js';

export const HoldReply = Type.Object(
  {
    id: Uuid,
    kind: Type.Union([Type.Literal('lodging'), Type.Literal('dining'), Type.Literal('retail')]),
    venue_id: Type.Union([Type.String(), Type.Null()]),
    status: Type.Union([Type.Literal('HELD'), Type.Literal('CONFIRMED'), Type.Literal('RELEASED'), Type.Literal('EXPIRED')]),
    expires_at: IsoDateTime,
    created_at: IsoDateTime,
    updated_at: IsoDateTime,
    confirmed_at: Type.Union([IsoDateTime, Type.Null()]),
    ended_at: Type.Union([IsoDateTime, Type.Null()]),
    end_reason: Type.Union([Type.String(), Type.Null()]),
    details: Type.Record(Type.String(), Type.Unknown(), { description: 'What the hold took, by kind' }),
  },
  { $id: 'Hold' },
);
export type HoldReply = Static<typeof HoldReply>;

export const HoldParams = Type.Object({ hold_id: Uuid });

export const ReleaseBody = Type.Object({ reason: Type.Optional(Type.String({ maxLength: 500 })) }, { additionalProperties: false });

/** The hold's time to live, shared by every create-hold request body. */
export const TtlSeconds = Type.Integer({
  minimum: 1,
  maximum: MAX_HOLD_TTL_SECONDS,
  default: DEFAULT_HOLD_TTL_SECONDS,
  description: 'Seconds until the hold expires and its inventory goes back on sale',
});

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
