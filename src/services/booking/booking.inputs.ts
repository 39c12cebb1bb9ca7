/**
 * The create use-case's input, derived from the /api/v1 create body (booking.schemas.ts) instead of
 * restating it, so a field added to the contract reaches the saga with its type and nothing to copy.
 * Both surfaces go through `createBookingInput`: /api/v1 with its body as validated, the seed-001
 * `/bookings` with its body rewritten as an /api/v1 one.
 */
import type { PaymentMethod } from './clients/payment.client.js';
import type { CreateBookingBody } from './booking.schemas.js';

/** The create body as validated, without the card (a saga option, never stored), its source settled. */
export type CreateBookingInput = Readonly<Omit<CreateBookingBody, 'payment_method' | 'source'>> & { readonly source: string };

/** What the edge adds to a body: the source when the body names none, the key of the request. */
export interface CreateEdge {
  readonly source: string;
  /** The Idempotency-Key header, which wins over the body's idempotency_key. */
  readonly idempotencyKey?: string;
}

/** The one mapping from a create body to the use-case's input and the card to pay with now. */
export function createBookingInput(
  body: CreateBookingBody,
  edge: CreateEdge,
): { readonly input: CreateBookingInput; readonly paymentMethod: PaymentMethod | undefined } {
  const { payment_method: paymentMethod, source, idempotency_key: bodyKey, ...fields } = body;
  return { input: { ...fields, source: source ?? edge.source, idempotency_key: edge.idempotencyKey ?? bodyKey }, paymentMethod };
}
