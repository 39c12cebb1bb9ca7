/**
 * Card data as the payment service handles it. The full number and the CVC exist only in memory, for
 * the one call to the provider; what is kept (database, logs, replies, idempotency fingerprints) is a
 * `CardSummary`: brand, last four digits, expiry — what PCI DSS allows to be shown.
 */

/** What the caller sends to authorize: the only place the full number and CVC appear. */
export interface CardDetails {
  readonly number: string;
  readonly expMonth: number;
  readonly expYear: number;
  readonly cvc: string;
}

export const CARD_BRANDS = ['visa', 'mastercard', 'amex', 'discover', 'diners', 'jcb', 'unionpay', 'unknown'] as const;
export type CardBrand = (typeof CARD_BRANDS)[number];

export interface CardSummary {
  readonly brand: CardBrand;
  readonly last4: string;
  readonly expMonth: number;
  readonly expYear: number;
}

/** The digits of a card number as typed ("4242 4242 4242 4242", "4242-4242-…"). */
export function cardDigits(number: string): string {
  return number.replace(/[\s-]/g, '');
}

/** The Luhn (mod 10) check every card number passes. */
export function luhnValid(digits: string): boolean {
  if (!/^[0-9]{12,19}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** The card network, from the leading digits (IIN ranges). */
export function cardBrand(digits: string): CardBrand {
  const two = Number(digits.slice(0, 2));
  const four = Number(digits.slice(0, 4));
  const six = Number(digits.slice(0, 6));
  if (digits.startsWith('4')) return 'visa';
  if ((two >= 51 && two <= 55) || (four >= 2221 && four <= 2720)) return 'mastercard';
  if (two === 34 || two === 37) return 'amex';
  if (digits.startsWith('6011') || digits.startsWith('65') || (six >= 644000 && six <= 649999)) return 'discover';
  if (two === 36 || two === 38 || (six >= 300000 && six <= 305999)) return 'diners';
  if (four >= 3528 && four <= 3589) return 'jcb';
  if (two === 62) return 'unionpay';
  return 'unknown';
}

export function summarizeCard(card: CardDetails): CardSummary {
  const digits = cardDigits(card.number);
  return { brand: cardBrand(digits), last4: digits.slice(-4), expMonth: card.expMonth, expYear: card.expYear };
}

/** A card is valid through the last day of its expiry month (UTC). */
export function cardExpired(card: { expMonth: number; expYear: number }, now: Date): boolean {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth() + 1;
  return card.expYear < y || (card.expYear === y && card.expMonth < m);
}

/**
 * What identifies a card in an idempotency fingerprint without being a card number: the first six and
 * last four digits (the truncation PCI DSS allows), the length and the expiry. A retry with the same
 * card replays; another card under the same key is refused as a different request.
 */
export function cardFingerprintPart(card: CardDetails): Record<string, unknown> {
  const digits = cardDigits(card.number);
  return { iin: digits.slice(0, 6), last4: digits.slice(-4), length: digits.length, exp_month: card.expMonth, exp_year: card.expYear };
}
