/** The booking service's client of the payment service. Every mutating call carries a stable key. */
import { ServiceClient, ServiceRefusal, ServiceUnavailable, type ServiceClientOptions } from '../../../platform/http/service-client.js';
import { bookingError } from '../booking.errors.js';

export interface PaymentMethod {
  card_number: string;
  exp_month: number;
  exp_year: number;
  cvc: string;
}

export interface PaymentIntent {
  id: string;
  status: 'requires_payment_method' | 'requires_capture' | 'succeeded' | 'canceled';
  amount: number;
  currency: string;
  amount_capturable: number;
  amount_received: number;
  amount_refunded: number;
}

export class PaymentClient {
  readonly #http: ServiceClient;

  constructor(options: ServiceClientOptions) {
    this.#http = new ServiceClient('payment', options);
  }

  async #guard<T>(what: string, run: (h: ServiceClient) => Promise<T>): Promise<T> {
    try {
      return await run(this.#http);
    } catch (err) {
      if (err instanceof ServiceUnavailable)
        throw bookingError('PAYMENT_SERVICE_UNAVAILABLE', `The payment service is unavailable (${what}: ${err.message}).`);
      if (err instanceof ServiceRefusal) {
        if (err.status === 402) {
          const d = (err.details ?? {}) as { decline_code?: string; message?: string };
          throw bookingError('PAYMENT_DECLINED', `The payment was declined: ${d.message ?? err.message}`, {
            decline_code: d.decline_code ?? err.code,
          });
        }
        throw bookingError('PAYMENT_REJECTED', err.message, {
          payment_code: err.code,
          ...(err.details !== undefined ? { payment_details: err.details } : {}),
        });
      }
      throw err;
    }
  }

  createIntent(input: { amount: number; currency: string; booking_id: string; description: string }, key: string): Promise<PaymentIntent> {
    return this.#guard('create payment intent', (h) => h.call<PaymentIntent>('POST', '/api/v1/payments/intents', input, key));
  }

  getIntent(id: string): Promise<PaymentIntent> {
    return this.#guard('read payment intent', (h) => h.call<PaymentIntent>('GET', `/api/v1/payments/intents/${encodeURIComponent(id)}`));
  }

  authorize(id: string, paymentMethod: PaymentMethod, key: string): Promise<PaymentIntent> {
    return this.#guard('authorize', (h) =>
      h.call<PaymentIntent>('POST', `/api/v1/payments/intents/${encodeURIComponent(id)}/authorize`, { payment_method: paymentMethod }, key),
    );
  }

  capture(id: string, key: string, amount?: number): Promise<PaymentIntent> {
    return this.#guard('capture', (h) =>
      h.call<PaymentIntent>(
        'POST',
        `/api/v1/payments/intents/${encodeURIComponent(id)}/capture`,
        amount === undefined ? {} : { amount },
        key,
      ),
    );
  }

  cancel(id: string, reason: string, key: string): Promise<PaymentIntent> {
    return this.#guard('cancel payment', (h) =>
      h.call<PaymentIntent>('POST', `/api/v1/payments/intents/${encodeURIComponent(id)}/cancel`, { reason }, key),
    );
  }

  refund(id: string, amount: number, reason: string, key: string): Promise<unknown> {
    return this.#guard('refund', (h) =>
      h.call('POST', `/api/v1/payments/intents/${encodeURIComponent(id)}/refunds`, { amount, reason }, key),
    );
  }
}
