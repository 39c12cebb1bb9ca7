/**
 * The booking service's client of the pricing service. When pricing cannot be reached, callers fall
 * back to the venue's default price and say so (seed 004's failure policy); a refusal (a bad promo
 * code) is the guest's to fix and is passed on.
 */
import { ServiceClient, ServiceRefusal, ServiceUnavailable, type ServiceClientOptions } from '../../../platform/http/service-client.js';
import { bookingError } from '../booking.errors.js';

export interface QuoteRequest {
  venue_id: string;
  kind: 'lodging' | 'dining';
  room_type_id?: string;
  check_in?: string;
  check_out?: string;
  date?: string;
  time?: string;
  party_size?: number;
  base_price?: number;
  currency?: string;
  promo_code?: string;
}

export interface Quote {
  currency: string;
  base: number;
  discount: number;
  tax: number;
  total: number;
  lines: { kind: string; date?: string; description: string; amount: number }[];
  promo_code: string | null;
}

export interface CancellationFee {
  fee: number;
  refundable: number;
  currency: string;
  rule: string;
}

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
        const code = err.code.startsWith('PROMO_') ? 'PROMO_CODE_REJECTED' : 'PRICING_REJECTED';
        throw bookingError(code, err.message, {
          pricing_code: err.code,
          ...(err.details !== undefined ? { pricing_details: err.details } : {}),
        });
      }
      throw err;
    }
  }

  /** A quote, or undefined when the pricing service cannot be reached. */
  async quote(request: QuoteRequest): Promise<Quote | undefined> {
    try {
      return await this.#refusals(() => this.#http.call<Quote>('POST', '/api/v1/pricing/quote', request));
    } catch (err) {
      if (err instanceof ServiceUnavailable) return undefined;
      throw err;
    }
  }

  /** Takes one use of a promo code for a booking (idempotent per booking). */
  redeemPromo(code: string, bookingId: string): Promise<unknown> {
    return this.#refusals(() =>
      this.#http.call(
        'POST',
        `/api/v1/pricing/promo-codes/${encodeURIComponent(code)}/redeem`,
        { booking_id: bookingId },
        `redeem:${code}:${bookingId}`,
      ),
    );
  }

  releasePromo(code: string, bookingId: string): Promise<unknown> {
    return this.#refusals(() =>
      this.#http.call(
        'POST',
        `/api/v1/pricing/promo-codes/${encodeURIComponent(code)}/release`,
        { booking_id: bookingId },
        `release:${code}:${bookingId}`,
      ),
    );
  }

  /** The fee a cancellation (or no-show) costs under the venue's policy; undefined if pricing is down. */
  async cancellationFee(request: {
    venue_id: string;
    room_type_id?: string;
    arrival: string;
    at: string;
    total: number;
    first_night: number;
    currency: string;
    no_show?: boolean;
  }): Promise<CancellationFee | undefined> {
    try {
      return await this.#refusals(() => this.#http.call<CancellationFee>('POST', '/api/v1/pricing/cancellation-fee', request));
    } catch (err) {
      if (err instanceof ServiceUnavailable) return undefined;
      throw err;
    }
  }
}
