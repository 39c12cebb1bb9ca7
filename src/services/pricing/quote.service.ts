/**
 * Quoting: fetch the rules that apply (repositories), check that their currencies agree, and let the
 * pure arithmetic of quote.ts price the request. A quote changes nothing (it never takes a promo use).
 *
 * Currency: the rate plan's (lodging) or the dining price's (dining); otherwise the request's; a request
 * currency that disagrees with the configured one is refused (PRICING_CURRENCY_MISMATCH), as is a price
 * override or fixed tax in another currency. The base nightly price is the rate plan's; a room type
 * without a rate plan (or a request naming none) is priced from the request's `base_price`.
 */
import { daysBetween, isCalendarDate } from '../../platform/dates.js';
import { AmountTooLargeError } from './money.domain.js';
import type { PricingContext } from './pricing.context.js';
import { pricingError } from './pricing.errors.js';
import type { RatePlan, Tax } from './pricing.model.js';
import { promoForQuote } from './promo.service.js';
import { computeQuote, type Quote, type QuoteInput } from './quote.domain.js';
import { findRatePlanByRoomType, losDiscountsFor, overridesForStay, weekdayRulesFor } from './rules.repository.js';
import { findDiningPrice, listTaxes } from './venue-pricing.repository.js';

/** The longest stay a quote prices. */
export const MAX_QUOTE_NIGHTS = 365;

export interface QuoteRequest {
  readonly venueId: string;
  readonly kind: 'lodging' | 'dining';
  readonly roomTypeId?: string | undefined;
  readonly checkIn?: string | undefined;
  readonly checkOut?: string | undefined;
  readonly date?: string | undefined;
  readonly time?: string | undefined;
  readonly partySize?: number | undefined;
  readonly basePrice?: number | undefined;
  readonly currency?: string | undefined;
  readonly promoCode?: string | undefined;
}

export interface PricedQuote extends Quote {
  readonly kind: 'lodging' | 'dining';
  readonly venueId: string;
  readonly ratePlanId: string | null;
  readonly promoCode: string | null;
  /** Dining: the cover amounts are a deposit rather than a price. */
  readonly deposit: boolean;
}

const invalid = (message: string, details?: unknown) => pricingError('QUOTE_INVALID', message, details);

function mismatch(what: string, expected: string, got: string) {
  return pricingError('PRICING_CURRENCY_MISMATCH', `${what} is in ${expected}, not ${got}.`, { expected, got });
}

function resolveCurrency(configured: string | undefined, requested: string | undefined, what: string): string {
  if (configured !== undefined) {
    if (requested !== undefined && requested !== configured) throw mismatch(what, configured, requested);
    return configured;
  }
  if (requested === undefined) throw pricingError('PRICING_CURRENCY_REQUIRED');
  return requested;
}

function checkTaxCurrencies(taxes: readonly Tax[], currency: string): void {
  for (const t of taxes) if (t.kind === 'fixed' && t.currency !== currency) throw mismatch(`Tax ${t.name}`, t.currency ?? '', currency);
}

async function lodgingInput(ctx: PricingContext, r: QuoteRequest): Promise<{ input: QuoteInput; plan: RatePlan | undefined }> {
  if (r.checkIn === undefined || r.checkOut === undefined) throw invalid('A lodging quote needs check_in and check_out.');
  for (const [field, date] of [
    ['check_in', r.checkIn],
    ['check_out', r.checkOut],
  ] as const) {
    if (!isCalendarDate(date)) throw invalid(`${field} must be a real calendar date (YYYY-MM-DD).`, { [field]: date });
  }
  const nights = daysBetween(r.checkIn, r.checkOut);
  if (nights < 1) throw invalid('check_out must be after check_in.', { check_in: r.checkIn, check_out: r.checkOut });
  if (nights > MAX_QUOTE_NIGHTS) throw invalid(`A quote covers at most ${MAX_QUOTE_NIGHTS} nights.`, { nights });

  const plan = r.roomTypeId === undefined ? undefined : await findRatePlanByRoomType(ctx.db, r.roomTypeId);
  if (plan !== undefined && plan.venueId !== r.venueId) {
    throw invalid(`Room type ${plan.roomTypeId} is priced at venue ${plan.venueId}, not ${r.venueId}.`, {
      room_type_id: plan.roomTypeId,
      venue_id: plan.venueId,
    });
  }
  const currency = resolveCurrency(plan?.currency, r.currency, `Rate plan ${plan?.id ?? ''}`);
  const basePrice = plan?.basePrice ?? r.basePrice;
  if (basePrice === undefined) {
    throw invalid(
      r.roomTypeId === undefined
        ? 'A lodging quote without room_type_id needs base_price.'
        : `Room type ${r.roomTypeId} has no rate plan: send base_price (its nightly price).`,
      { room_type_id: r.roomTypeId ?? null },
    );
  }
  const ratePlanId = plan?.id ?? null;
  const [overrides, weekdayRules, losDiscounts, taxes] = await Promise.all([
    overridesForStay(ctx.db, r.venueId, ratePlanId, r.checkIn, r.checkOut),
    weekdayRulesFor(ctx.db, r.venueId, ratePlanId),
    losDiscountsFor(ctx.db, r.venueId, ratePlanId),
    listTaxes(ctx.db, { venueId: r.venueId }),
  ]);
  for (const o of overrides)
    if (o.kind === 'price' && o.currency !== currency) throw mismatch(`Override ${o.name}`, o.currency ?? '', currency);
  checkTaxCurrencies(taxes, currency);
  const promo =
    r.promoCode === undefined
      ? null
      : await promoForQuote(ctx.db, r.promoCode, { venueId: r.venueId, kind: 'lodging', nights, currency }, ctx.clock.now());
  return {
    plan,
    input: {
      kind: 'lodging',
      currency,
      checkIn: r.checkIn,
      checkOut: r.checkOut,
      basePrice,
      overrides,
      weekdayRules,
      losDiscounts,
      promo,
      taxes,
    },
  };
}

async function diningInput(ctx: PricingContext, r: QuoteRequest): Promise<{ input: QuoteInput & { kind: 'dining' } }> {
  if (r.partySize === undefined) throw invalid('A dining quote needs party_size.');
  if (r.date !== undefined && !isCalendarDate(r.date)) throw invalid('date must be a real calendar date (YYYY-MM-DD).', { date: r.date });
  const [price, taxes] = await Promise.all([findDiningPrice(ctx.db, r.venueId), listTaxes(ctx.db, { venueId: r.venueId })]);
  const currency = resolveCurrency(price?.currency, r.currency, `The dining price of venue ${r.venueId}`);
  checkTaxCurrencies(taxes, currency);
  const promo =
    r.promoCode === undefined
      ? null
      : await promoForQuote(ctx.db, r.promoCode, { venueId: r.venueId, kind: 'dining', nights: 0, currency }, ctx.clock.now());
  return {
    input: {
      kind: 'dining',
      currency,
      partySize: r.partySize,
      perCover: price?.perCover ?? 0,
      deposit: price?.mode === 'deposit',
      date: r.date ?? null,
      promo,
      taxes,
    },
  };
}

export async function quote(ctx: PricingContext, r: QuoteRequest): Promise<PricedQuote> {
  const { input, plan } = r.kind === 'lodging' ? await lodgingInput(ctx, r) : { ...(await diningInput(ctx, r)), plan: undefined };
  let priced: Quote;
  try {
    priced = computeQuote(input);
  } catch (err) {
    if (err instanceof AmountTooLargeError) throw pricingError('PRICING_AMOUNT_TOO_LARGE', undefined, { reason: err.message });
    throw err;
  }
  return {
    ...priced,
    kind: r.kind,
    venueId: r.venueId,
    ratePlanId: plan?.id ?? null,
    promoCode: input.promo?.code ?? null,
    deposit: input.kind === 'dining' && input.deposit,
  };
}
