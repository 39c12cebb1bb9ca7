/**
 * The booking service's client of the pricing service. When pricing cannot be reached, callers fall
 * back to the venue's default price and say so (seed 004's failure policy); a refusal (a bad promo
 * code) is the guest's to fix and is passed on.
 *
 * Requests and replies are typed by pricing's contract (src/contracts/pricing.ts), and every reply is
 * checked against it. A reply that breaks the contract counts as pricing being unavailable (ADR 0005):
 * a quote or a cancellation fee falls back to the documented defaults (flagged on the booking, as when
 * pricing is down); a promo redeem or release fails with a 503 naming the call and the wrong fields.
 */
import {
  CancellationFeeReply,
  PROMO_REFUSALS,
  QuoteReply,
  RedemptionReply,
  type CancellationFeeBody,
  type QuoteBody,
  type RedemptionBody,
} from '../../../contracts/pricing.js';
import { platformError } from '../../../platform/errors.js';
import {
  contractDetails,
  replyContract,
  ServiceClient,
  ServiceRefusal,
  ServiceUnavailable,
  type ServiceClientOptions,
} from '../../../platform/http/service-client.js';
import { bookingError } from '../booking.errors.js';

export type QuoteRequest = QuoteBody;
export type Quote = QuoteReply;
export type CancellationFeeRequest = CancellationFeeBody;
export type CancellationFee = CancellationFeeReply;
export type PromoRedemption = RedemptionReply;

const replies = {
  quote: replyContract(QuoteReply),
  redemption: replyContract(RedemptionReply),
  cancellationFee: replyContract(CancellationFeeReply),
};

const isPromoRefusal = (code: string) => (PROMO_REFUSALS as readonly string[]).includes(code);

export class PricingClient {
  readonly #http: ServiceClient;

  constructor(options: ServiceClientOptions) {
    this.#http = new ServiceClient('pricing', { retries: 1, timeoutMs: 2000, ...options });
  }

  async #refusals<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      if (err instanceof ServiceRefusal) {
        const code = isPromoRefusal(err.code) ? 'PROMO_CODE_REJECTED' : 'PRICING_REJECTED';
        throw bookingError(code, err.message, {
          pricing_code: err.code,
          ...(err.details !== undefined ? { pricing_details: err.details } : {}),
        });
      }
      throw err;
    }
  }

  /** A call with no fallback: pricing unreachable (or answering outside its contract) is a 503. */
  async #required<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await this.#refusals(run);
    } catch (err) {
      if (err instanceof ServiceUnavailable) {
        throw platformError('SERVICE_UNAVAILABLE', `The pricing service is unavailable (${what}: ${err.message}).`, {
          service: 'pricing',
          ...contractDetails(err),
        });
      }
      throw err;
    }
  }

  /** A quote, or undefined when the pricing service cannot be reached (or its reply breaks the contract). */
  async quote(request: QuoteRequest): Promise<Quote | undefined> {
    try {
      return await this.#refusals(() => this.#http.call(replies.quote, 'POST', '/api/v1/pricing/quote', request));
    } catch (err) {
      if (err instanceof ServiceUnavailable) return undefined;
      throw err;
    }
  }

  /** Takes one use of a promo code for a booking (idempotent per booking). */
  redeemPromo(code: string, bookingId: string): Promise<PromoRedemption> {
    return this.#required('redeem promo code', () =>
      this.#http.call(
        replies.redemption,
        'POST',
        `/api/v1/pricing/promo-codes/${encodeURIComponent(code)}/redeem`,
        { booking_id: bookingId } satisfies RedemptionBody,
        `redeem:${code}:${bookingId}`,
      ),
    );
  }

  /** Gives a booking's use of a promo code back (idempotent per booking). */
  releasePromo(code: string, bookingId: string): Promise<PromoRedemption> {
    return this.#required('release promo code', () =>
      this.#http.call(
        replies.redemption,
        'POST',
        `/api/v1/pricing/promo-codes/${encodeURIComponent(code)}/release`,
        { booking_id: bookingId } satisfies RedemptionBody,
        `release:${code}:${bookingId}`,
      ),
    );
  }

  /**
   * The fee a cancellation (or no-show) costs under the venue's policy; undefined if pricing is down
   * (or its reply breaks the contract).
   */
  async cancellationFee(request: CancellationFeeRequest): Promise<CancellationFee | undefined> {
    try {
      return await this.#refusals(() => this.#http.call(replies.cancellationFee, 'POST', '/api/v1/pricing/cancellation-fee', request));
    } catch (err) {
      if (err instanceof ServiceUnavailable) return undefined;
      throw err;
    }
  }
}
