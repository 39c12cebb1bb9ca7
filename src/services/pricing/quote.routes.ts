/**
 * What bookings call: POST /api/v1/pricing/quote, the promo code's redeem and release, and
 * POST /api/v1/pricing/cancellation-fee. Quote and fee change nothing; redeem and release are
 * idempotent per (code, booking_id) and also take an Idempotency-Key header.
 */
import type { App } from '../../platform/http/app.js';
import { IdempotencyHeaders, replies } from '../../platform/http/schemas.js';
import { output, send } from './admin.routes.js';
import { feeFor } from './cancellation.service.js';
import type { PricingContext } from './pricing.context.js';
import { redeemPromo, releasePromo } from './promo.service.js';
import {
  CancellationFeeBody,
  CancellationFeeReply,
  QuoteBody,
  QuoteReply,
  RedemptionBody,
  RedemptionParams,
  RedemptionReply,
  feeAnswerToReply,
  quoteToReply,
  redemptionToReply,
} from './quote.schemas.js';
import { quote } from './quote.service.js';

const tags = ['pricing'];
const everyone = { roles: ['guest', 'business', 'admin', 'service'] as const };
const bookings = { roles: ['service', 'admin'] as const };

export function quoteRoutes(app: App, ctx: PricingContext): void {
  app.post(
    '/api/v1/pricing/quote',
    {
      schema: {
        tags,
        summary: 'Price a stay or a seating: a line per night or cover, discounts, taxes and the total (takes no promo use)',
        body: QuoteBody,
        response: replies({ 200: QuoteReply }),
      },
      config: everyone,
    },
    async (request) => {
      const b = request.body;
      const priced = await quote(ctx, {
        venueId: b.venue_id,
        kind: b.kind,
        roomTypeId: b.room_type_id,
        checkIn: b.check_in,
        checkOut: b.check_out,
        date: b.date,
        time: b.time,
        partySize: b.party_size,
        basePrice: b.base_price,
        currency: b.currency,
        promoCode: b.promo_code,
      });
      return quoteToReply(priced);
    },
  );

  app.post(
    '/api/v1/pricing/promo-codes/:code/redeem',
    {
      schema: {
        tags,
        summary: 'Take one use of a promo code for a booking (once per booking, atomically; 409 PROMO_EXHAUSTED when none is left)',
        headers: IdempotencyHeaders,
        params: RedemptionParams,
        body: RedemptionBody,
        response: replies({ 200: RedemptionReply }),
      },
      config: bookings,
    },
    async (request, reply) => {
      const code = request.params.code.toUpperCase();
      const bookingId = request.body.booking_id;
      return send(reply, await redeemPromo(ctx, code, bookingId, output(request, `promo.redeem:${code}`, 200, redemptionToReply)));
    },
  );

  app.post(
    '/api/v1/pricing/promo-codes/:code/release',
    {
      schema: {
        tags,
        summary: 'Give a booking’s use of a promo code back (once; idempotent)',
        headers: IdempotencyHeaders,
        params: RedemptionParams,
        body: RedemptionBody,
        response: replies({ 200: RedemptionReply }),
      },
      config: bookings,
    },
    async (request, reply) => {
      const code = request.params.code.toUpperCase();
      const bookingId = request.body.booking_id;
      return send(reply, await releasePromo(ctx, code, bookingId, output(request, `promo.release:${code}`, 200, redemptionToReply)));
    },
  );

  app.post(
    '/api/v1/pricing/cancellation-fee',
    {
      schema: {
        tags,
        summary: 'What cancelling (or a no-show) costs under the venue’s or rate plan’s policy: fee + refundable = total',
        body: CancellationFeeBody,
        response: replies({ 200: CancellationFeeReply }),
      },
      config: everyone,
    },
    async (request) => {
      const b = request.body;
      const answer = await feeFor(ctx, {
        venueId: b.venue_id,
        roomTypeId: b.room_type_id,
        arrival: new Date(b.arrival),
        at: new Date(b.at),
        total: b.total,
        firstNight: b.first_night,
        currency: b.currency,
        noShow: b.no_show ?? false,
      });
      return feeAnswerToReply(answer);
    },
  );
}
