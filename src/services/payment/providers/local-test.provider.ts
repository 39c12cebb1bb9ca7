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
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../../platform/clock.js';
import { cardDigits, cardExpired, luhnValid } from '../payment.card.js';
import type { AuthorizeRequest, AuthorizeResult, DeclineCode, PaymentProvider } from './payment.provider.js';

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

export function localTestProvider(clock: Clock): PaymentProvider {
  const decline = (code: DeclineCode): AuthorizeResult => ({ outcome: 'declined', declineCode: code, message: DECLINE_MESSAGES[code] });
  return {
    name: LOCAL_TEST_PROVIDER,
    live: false,
    authorize: async (request: AuthorizeRequest) => {
      const digits = cardDigits(request.card.number);
      if (!luhnValid(digits)) return decline('invalid_number');
      const fixed = TEST_CARDS[digits];
      if (fixed !== undefined && fixed !== 'approved') return decline(fixed);
      if (cardExpired(request.card, clock.now())) return decline('expired_card');
      return { outcome: 'approved', reference: reference('localauth') };
    },
    capture: async () => ({ reference: reference('localcapture') }),
    cancel: async () => undefined,
    refund: async () => ({ reference: reference('localrefund') }),
  };
}
