/**
 * `local-test-provider`: NOT a real card processor. No network, no money moves. It answers like a card
 * processor's test mode for the well-known test numbers, so development and tests exercise every
 * outcome:
 *
 *   4242 4242 4242 4242  approved                 4000 0000 0000 0069  declined: expired_card
 *   4000 0000 0000 0002  declined: card_declined  4000 0000 0000 0127  declined: incorrect_cvc
 *   4000 0000 0000 9995  declined: insufficient_funds
 *
 * Any other Luhn-valid number is approved (unless its expiry has passed: expired_card); a number that
 * fails the Luhn check is refused (invalid_number). Capture, void and refund always succeed.
 *
 * Like a real processor it keeps its own books (`payment.local_test_charge`, local-test.repository.ts)
 * keyed by the idempotency key of each call: a second call under a key answers the first result
 * without charging again, and `retrieve` reads the books. It keeps no card number or CVC, only what it
 * answered.
 */
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock } from '../../../platform/clock.js';
import { cardDigits, cardExpired, luhnValid, type CardDetails } from '../payment.card.js';
import { bookCharge, findCharge, type LocalTestCharge, type LocalTestProviderDB } from './local-test.repository.js';
import type { DeclineCode, PaymentProvider, ProviderOperation, ProviderOutcome } from './payment.provider.js';

export const LOCAL_TEST_PROVIDER = 'local-test-provider';

/** The processor's messages, as a client would show them. */
export const DECLINE_MESSAGES: Readonly<Record<DeclineCode, string>> = {
  card_declined: 'Your card was declined.',
  insufficient_funds: 'Your card has insufficient funds.',
  expired_card: 'Your card has expired.',
  incorrect_cvc: "Your card's security code is incorrect.",
  invalid_number: 'Your card number is incorrect.',
};

/** The test numbers with a fixed outcome. */
export const TEST_CARDS: Readonly<Record<string, DeclineCode | 'approved'>> = {
  '4242424242424242': 'approved',
  '4000000000000002': 'card_declined',
  '4000000000009995': 'insufficient_funds',
  '4000000000000069': 'expired_card',
  '4000000000000127': 'incorrect_cvc',
};

function reference(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('hex')}`;
}

/** How the test processor answers an authorization of `card` at `now` (the reference is made when it is booked). */
export function decideAuthorization(
  card: CardDetails,
  now: Date,
): { readonly outcome: 'approved' } | Extract<ProviderOutcome, { outcome: 'declined' }> {
  const decline = (code: DeclineCode) => ({ outcome: 'declined' as const, declineCode: code, message: DECLINE_MESSAGES[code] });
  const digits = cardDigits(card.number);
  if (!luhnValid(digits)) return decline('invalid_number');
  const fixed = TEST_CARDS[digits];
  if (fixed !== undefined && fixed !== 'approved') return decline(fixed);
  if (cardExpired(card, now)) return decline('expired_card');
  return { outcome: 'approved' };
}

function outcomeOf(row: LocalTestCharge): ProviderOutcome {
  if (row.outcome === 'approved' && row.reference !== null) return { outcome: 'approved', reference: row.reference };
  return { outcome: 'declined', declineCode: row.decline_code ?? 'card_declined', message: row.decline_message ?? '' };
}

export interface LocalTestProviderDeps {
  readonly clock: Clock;
  /** Where it keeps its books (the payment schema's `local_test_charge`). */
  readonly db: Kysely<LocalTestProviderDB>;
}

export function localTestProvider({ clock, db }: LocalTestProviderDeps): PaymentProvider {
  /** Books `result` under the key unless the key already names a call; answers what the key names. */
  const once = async (
    idempotencyKey: string,
    operation: ProviderOperation,
    money: { amount: number; currency: string } | undefined,
    result: ProviderOutcome,
  ): Promise<ProviderOutcome> => {
    const row = await bookCharge(db, {
      idempotency_key: idempotencyKey,
      operation,
      amount: money?.amount ?? null,
      currency: money?.currency ?? null,
      outcome: result.outcome,
      reference: result.outcome === 'approved' ? result.reference : null,
      decline_code: result.outcome === 'declined' ? result.declineCode : null,
      decline_message: result.outcome === 'declined' ? result.message : null,
      created_at: clock.now(),
    });
    return outcomeOf(row);
  };
  const approved = async (key: string, operation: ProviderOperation, prefix: string, money?: { amount: number; currency: string }) => {
    const result = await once(key, operation, money, { outcome: 'approved', reference: reference(prefix) });
    if (result.outcome !== 'approved') throw new Error(`${LOCAL_TEST_PROVIDER}: key ${key} names a declined ${operation}`);
    return { reference: result.reference };
  };
  return {
    name: LOCAL_TEST_PROVIDER,
    live: false,
    authorize: async (request) => {
      const decided = decideAuthorization(request.card, clock.now());
      const result: ProviderOutcome = decided.outcome === 'approved' ? { outcome: 'approved', reference: reference('localauth') } : decided;
      return once(request.idempotencyKey, 'authorize', { amount: request.amount, currency: request.currency }, result);
    },
    capture: async (request) =>
      approved(request.idempotencyKey, 'capture', 'localcapture', { amount: request.amount, currency: request.currency }),
    cancel: async (request) => approved(request.idempotencyKey, 'cancel', 'localvoid'),
    refund: async (request) =>
      approved(request.idempotencyKey, 'refund', 'localrefund', { amount: request.amount, currency: request.currency }),
    retrieve: async (idempotencyKey) => {
      const row = await findCharge(db, idempotencyKey);
      return row && { idempotencyKey, operation: row.operation, result: outcomeOf(row) };
    },
  };
}
