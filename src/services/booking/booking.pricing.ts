/**
 * A booking's price: a quote from the pricing service, or — when pricing cannot be reached — the
 * venue's default price (the inventory's nightly price), flagged in the booking's metadata and events
 * (seed 004's failure policy; never silently 0).
 */
import type { Quote } from './clients/pricing.client.js';
import type { BookingContext } from './booking.context.js';

export interface PriceSnapshot {
  readonly base: number | null;
  readonly discount: number;
  readonly tax: number;
  readonly total: number | null;
  readonly currency: string;
  /** 'pricing' when quoted; 'default' when the pricing service was unavailable. */
  readonly source: 'pricing' | 'default';
  readonly promoCode: string | null;
}

export interface PriceRequest {
  readonly venueId: string;
  readonly venueType: 'hotel' | 'restaurant' | 'cafe';
  readonly currency: string;
  readonly roomTypeId?: string | null;
  readonly checkIn?: string | null;
  readonly checkOut?: string | null;
  readonly nightlyPrice?: number | null;
  readonly nights?: number | null;
  readonly date: string;
  readonly time?: string | null;
  readonly partySize: number;
  readonly promoCode?: string | null;
}

function fromQuote(q: Quote): PriceSnapshot {
  return {
    base: q.base,
    discount: q.discount,
    tax: q.tax,
    total: q.total,
    currency: q.currency,
    source: 'pricing',
    promoCode: q.promo_code,
  };
}

export async function priceFor(ctx: BookingContext, r: PriceRequest): Promise<PriceSnapshot> {
  const quote = await ctx.pricing.quote(
    r.venueType === 'hotel'
      ? {
          venue_id: r.venueId,
          kind: 'lodging',
          room_type_id: r.roomTypeId ?? undefined,
          check_in: r.checkIn ?? undefined,
          check_out: r.checkOut ?? undefined,
          base_price: r.nightlyPrice ?? undefined,
          currency: r.currency,
          party_size: r.partySize,
          promo_code: r.promoCode ?? undefined,
        }
      : {
          venue_id: r.venueId,
          kind: 'dining',
          date: r.date,
          time: r.time ?? undefined,
          party_size: r.partySize,
          currency: r.currency,
          promo_code: r.promoCode ?? undefined,
        },
  );
  if (quote !== undefined) return fromQuote(quote);
  const base = r.venueType === 'hotel' && r.nightlyPrice != null && r.nights != null ? r.nightlyPrice * r.nights : null;
  return { base, discount: 0, tax: 0, total: base, currency: r.currency, source: 'default', promoCode: null };
}

/** The booking row's price columns and the metadata that says where the price came from. */
export function priceColumns(p: PriceSnapshot, metadata: Record<string, unknown>, requestedPromo: string | null | undefined) {
  return {
    base_price: p.base,
    discount_amount: p.discount,
    tax_amount: p.tax,
    total_price: p.total,
    currency: p.currency,
    promo_code: p.promoCode,
    metadata: JSON.stringify({
      ...metadata,
      pricing_source: p.source === 'pricing' ? 'pricing_service' : 'default_price',
      ...(p.source === 'default' ? { pricing_fallback: true, pricing_fallback_reason: 'pricing service unavailable' } : {}),
      ...(p.source === 'default' && requestedPromo ? { promo_not_applied: requestedPromo } : {}),
    }),
  };
}
