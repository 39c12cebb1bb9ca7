/**
 * The field schemas the pricing contracts share: the administration's (one file per resource in
 * admin/) and the quote's. Ids, money, currency, nullability, how one item is named in a URL, the
 * list filters, and the fees of a cancellation policy (also what a fee answer reports).
 * Money: integer minor units with an ISO 4217 currency. Rates: integer basis points (2000 = 20 %).
 */
import { Type, type Static, type TProperties, type TSchema } from 'typebox';
import { IsoDateTime } from '../../platform/http/schemas.js';
import type { Fee } from './pricing.model.js';

/** A reply field that may be null. */
export const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
/**
 * A request field that may be null: `nullable: true`, not a union with null — under the app's
 * `coerceTypes` a union's first branch would turn null into 0 or "" before the null branch is tried.
 */
export const NullableIn = <T extends TSchema>(t: T) => Type.Unsafe<Static<T> | null>({ ...t, nullable: true });

export const VenueId = Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,64}$', description: 'A venue of the inventory service' });
export const RoomTypeId = Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,64}$', description: 'A room type of the inventory service' });
export const Currency = Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217, e.g. GBP' });
export const Money = Type.Integer({ minimum: 0, maximum: 100_000_000, description: 'Minor units (pence, cents)' });
export const PromoCodeString = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{1,39}$',
  description: 'Letters, digits, "-" and "_", 2–40 characters; case-insensitive (stored upper-case)',
});
export const Name = Type.String({ minLength: 1, maxLength: 200 });
export const Uuid = Type.String({ format: 'uuid' });
export const AdjustmentBps = Type.Integer({
  minimum: -10_000,
  maximum: 100_000,
  description: 'Percentage adjustment in basis points: 2000 = +20 %, -1500 = −15 %',
});
export const MinNights = Type.Integer({ minimum: 1, maximum: 365 });
export const DiscountBps = Type.Integer({ minimum: 1, maximum: 10_000, description: 'Discount in basis points: 1000 = 10 % off' });
export const Stamps = { created_at: IsoDateTime, updated_at: IsoDateTime };

/** The one path parameter that names an item: its id, its promo code, or its venue. */
export const IdParams = Type.Object({ id: Uuid });
export const CodeParams = Type.Object({ code: PromoCodeString });
export const VenueParams = Type.Object({ venue_id: VenueId });

/** List filters: a venue's rules, or one rate plan's. */
export const ScopeQuery = Type.Object(
  { venue_id: Type.Optional(VenueId), rate_plan_id: Type.Optional(Uuid) },
  { additionalProperties: false },
);
export const VenueQuery = Type.Object({ venue_id: Type.Optional(VenueId) }, { additionalProperties: false });

/** What a patch body accepts: some of `fields` (each optional), at least one, nothing else. */
export const patchOf = <F extends TProperties>(fields: F) =>
  Type.Partial(Type.Object(fields), { additionalProperties: false, minProperties: 1 });

// ---------------------------------------------------------------- fees (cancellation policies, fee answers)

const FeeKind = Type.Union([Type.Literal('none'), Type.Literal('fixed'), Type.Literal('percent'), Type.Literal('first_night')]);
export const FeeSchema = Type.Object(
  {
    kind: FeeKind,
    amount: Type.Optional(NullableIn({ ...Money, description: 'kind fixed: minor units' })),
    rate_bps: Type.Optional(NullableIn(Type.Integer({ minimum: 0, maximum: 10_000, description: 'kind percent: share of the total' }))),
  },
  { additionalProperties: false },
);
export const FeeReply = Type.Object({ kind: FeeKind, amount: Nullable(Type.Integer()), rate_bps: Nullable(Type.Integer()) });

export function feeFromBody(f: Static<typeof FeeSchema>): Fee {
  return { kind: f.kind, amount: f.amount ?? null, rateBps: f.rate_bps ?? null };
}

export function feeToReply(f: Fee): Static<typeof FeeReply> {
  return { kind: f.kind, amount: f.amount, rate_bps: f.rateBps };
}
