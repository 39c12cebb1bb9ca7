/** Schema pieces every surface reuses, so a contract is written once. */
import { Type } from 'typebox';

/** The canonical error body of /api/v1. */
export const ErrorReply = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'Stable machine-readable code, e.g. NO_AVAILABILITY' }),
      message: Type.String(),
      details: Type.Optional(Type.Unknown()),
    }),
  },
  { $id: 'ErrorReply', description: 'Every failure on /api/v1 has this shape.' },
);

/** A calendar date, YYYY-MM-DD (checked again for real calendar days by the domain). */
export const IsoDate = Type.String({ format: 'date', description: 'YYYY-MM-DD' });
export const IsoDateTime = Type.String({ format: 'date-time' });
export const Uuid = Type.String({ format: 'uuid' });

/** Any number an int4 column (or a comparison with one) takes; beyond it SQL fails instead of answering. */
export const Int4 = (options: { minimum?: number; maximum?: number; default?: number; description?: string } = {}) =>
  Type.Integer({ minimum: -2_147_483_648, maximum: 2_147_483_647, ...options });

/**
 * How many rows a list skips: bounded so that a number SQL cannot take (OFFSET is int8; a query
 * string can say 99999999999999999999) is refused as invalid instead of failing in the database.
 */
export const PageOffset = (options: { default?: number; description?: string } = {}) =>
  Type.Integer({ minimum: 0, maximum: 2_147_483_647, ...options });

/** Standard replies for a route on /api/v1: the success schema plus the error shape. */
export function replies<S extends Record<number, unknown>>(success: S) {
  return { ...success, 400: ErrorReply, 402: ErrorReply, 404: ErrorReply, 409: ErrorReply, 422: ErrorReply, 503: ErrorReply } as S & {
    400: typeof ErrorReply;
    402: typeof ErrorReply;
    404: typeof ErrorReply;
    409: typeof ErrorReply;
    422: typeof ErrorReply;
    503: typeof ErrorReply;
  };
}

/** The Idempotency-Key header (Stripe semantics; see platform/idempotency/once.ts). */
export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'Makes a retried request take effect once.' })),
});
