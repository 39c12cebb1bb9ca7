/** Card handling and the local test provider, without a database. */
import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler } from 'kysely';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/platform/clock.js';
import {
  cardBrand,
  cardDigits,
  cardExpired,
  cardFingerprintPart,
  luhnValid,
  summarizeCard,
} from '../../../src/services/payment/payment.card.js';
import { formatMoney } from '../../../src/services/payment/payment.model.js';
import { INTENT_STATUSES, TRANSITIONS, canTransition, statusesLeadingTo } from '../../../src/services/payment/payment.states.js';
import {
  decideAuthorization,
  LOCAL_TEST_PROVIDER,
  localTestProvider,
} from '../../../src/services/payment/providers/local-test.provider.js';
import type { LocalTestProviderDB } from '../../../src/services/payment/providers/local-test.repository.js';

/** Kysely's compile-only dialect: queries are built, never run (there is no database here). */
const compileOnly = {
  createAdapter: () => new PostgresAdapter(),
  createDriver: () => new DummyDriver(),
  createIntrospector: (db: Kysely<unknown>) => new PostgresIntrospector(db),
  createQueryCompiler: () => new PostgresQueryCompiler(),
};

describe('card numbers', () => {
  it('passes the Luhn check for real test numbers and fails it for a changed digit', () => {
    for (const n of [
      '4242424242424242',
      '4000000000000002',
      '4000000000009995',
      '4000000000000069',
      '4000000000000127',
      '5555555555554444',
      '378282246310005',
    ]) {
      expect(luhnValid(n), n).toBe(true);
    }
    for (const n of ['4242424242424241', '4242424242424243', '1234567890123', '42424242', '4242x42424242424', '']) {
      expect(luhnValid(n), n).toBe(false);
    }
  });

  it('reads spaces and hyphens as separators, and names the brand', () => {
    expect(cardDigits('4242 4242-4242 4242')).toBe('4242424242424242');
    expect(cardBrand('4242424242424242')).toBe('visa');
    expect(cardBrand('5555555555554444')).toBe('mastercard');
    expect(cardBrand('2223003122003222')).toBe('mastercard');
    expect(cardBrand('378282246310005')).toBe('amex');
    expect(cardBrand('6011111111111117')).toBe('discover');
    expect(cardBrand('3566002020360505')).toBe('jcb');
    expect(cardBrand('9999999999999995')).toBe('unknown');
  });

  it('keeps only brand, last four and expiry; a fingerprint holds at most the first six and last four digits', () => {
    const card = { number: '4242 4242 4242 4242', expMonth: 3, expYear: 2031, cvc: '123' };
    expect(summarizeCard(card)).toEqual({ brand: 'visa', last4: '4242', expMonth: 3, expYear: 2031 });
    const fp = JSON.stringify(cardFingerprintPart(card));
    expect(fp).not.toContain('4242424242424242');
    expect(fp).not.toContain('123');
    expect(cardFingerprintPart(card)).toEqual({ iin: '424242', last4: '4242', length: 16, exp_month: 3, exp_year: 2031 });
  });

  it('is valid through the last day of its expiry month', () => {
    expect(cardExpired({ expMonth: 1, expYear: 2026 }, new Date('2026-01-31T23:59:59Z'))).toBe(false);
    expect(cardExpired({ expMonth: 1, expYear: 2026 }, new Date('2026-02-01T00:00:00Z'))).toBe(true);
    expect(cardExpired({ expMonth: 12, expYear: 2025 }, new Date('2026-01-01T00:00:00Z'))).toBe(true);
  });
});

describe('the local test provider', () => {
  const clock = new ManualClock('2026-01-15T12:00:00Z');
  // Its books are a table (test/integration/payment/provider-calls.test.ts); its name and its decisions need none.
  const provider = localTestProvider({ clock, db: new Kysely<LocalTestProviderDB>({ dialect: compileOnly }) });
  const authorize = (number: string, expYear = 2030) => decideAuthorization({ number, expMonth: 6, expYear, cvc: '123' }, clock.now());

  it('says it is not live, by name', () => {
    expect(provider.name).toBe(LOCAL_TEST_PROVIDER);
    expect(provider.name).toBe('local-test-provider');
    expect(provider.live).toBe(false);
  });

  it('answers each well-known test number as card processors do', () => {
    expect(authorize('4242 4242 4242 4242')).toEqual({ outcome: 'approved' });
    expect(authorize('4000 0000 0000 0002')).toMatchObject({ outcome: 'declined', declineCode: 'card_declined' });
    expect(authorize('4000 0000 0000 9995')).toMatchObject({ outcome: 'declined', declineCode: 'insufficient_funds' });
    expect(authorize('4000 0000 0000 0069')).toMatchObject({ outcome: 'declined', declineCode: 'expired_card' });
    expect(authorize('4000 0000 0000 0127')).toMatchObject({ outcome: 'declined', declineCode: 'incorrect_cvc' });
    expect(authorize('5555 5555 5555 4444')).toMatchObject({ outcome: 'approved' });
    expect(authorize('4242 4242 4242 4241')).toMatchObject({ outcome: 'declined', declineCode: 'invalid_number' });
    expect(authorize('4242 4242 4242 4242', 2025)).toMatchObject({ outcome: 'declined', declineCode: 'expired_card' });
  });
});

describe('the intent state machine', () => {
  it('has the documented transitions and terminal states', () => {
    expect(TRANSITIONS).toEqual({
      requires_payment_method: ['requires_capture', 'canceled'],
      requires_capture: ['succeeded', 'canceled'],
      succeeded: [],
      canceled: [],
    });
    expect(canTransition('succeeded', 'canceled')).toBe(false);
    expect(statusesLeadingTo('canceled')).toEqual(['requires_payment_method', 'requires_capture']);
    expect(INTENT_STATUSES.filter((s) => TRANSITIONS[s].length === 0)).toEqual(['succeeded', 'canceled']);
  });
});

describe('money in messages', () => {
  it('formats minor units with the currency’s exponent, by integer arithmetic', () => {
    expect(formatMoney(12_345, 'GBP')).toBe('GBP 123.45');
    expect(formatMoney(5, 'GBP')).toBe('GBP 0.05');
    expect(formatMoney(1_000, 'JPY')).toBe('JPY 1000');
    expect(formatMoney(1_234, 'BHD')).toBe('BHD 1.234');
    expect(formatMoney(9_007_199_254_740_991, 'EUR')).toBe('EUR 90071992547409.91');
  });
});
