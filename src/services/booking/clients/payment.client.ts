/**
 * The booking service's client of the payment service. Every mutating call carries a stable key.
 *
 * Requests and replies are typed by payment's contract (src/contracts/payment.ts), and every reply is
 * checked against it: a reply that breaks the contract is PAYMENT_SERVICE_UNAVAILABLE (503) with the
 * call and the wrong fields in its message and details — the saga compensates as for an unreachable
 * payment service (void the intent, release the hold; ADR 0005).
 */
import {
  DeclineDetails,
  IntentReply,
  RefundReply,
  type AuthorizeBody,
  type CancelBody,
  type CaptureBody,
  type CreateIntentBody,
  type RefundBody,
} from '../../../contracts/payment.js';
import {
  contractDetails,
  replyContract,
  ServiceClient,
  ServiceRefusal,
  ServiceUnavailable,
  type ServiceClientOptions,
} from '../../../platform/http/service-client.js';
import { bookingError } from '../booking.errors.js';

export type PaymentMethod = AuthorizeBody['payment_method'];
export type PaymentIntent = IntentReply;
export type Refund = RefundReply;
export type CreateIntentRequest = CreateIntentBody;

const replies = { intent: replyContract(IntentReply), refund: replyContract(RefundReply) };
const declineDetails = replyContract(DeclineDetails);

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
        throw bookingError(
          'PAYMENT_SERVICE_UNAVAILABLE',
          `The payment service is unavailable (${what}: ${err.message}).`,
          contractDetails(err),
        );
      if (err instanceof ServiceRefusal) {
        if (err.status === 402) {
          const d: DeclineDetails = declineDetails.check(err.details) ? err.details : {};
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

  createIntent(input: CreateIntentRequest, key: string): Promise<PaymentIntent> {
    return this.#guard('create payment intent', (h) => h.call(replies.intent, 'POST', '/api/v1/payments/intents', input, key));
  }

  getIntent(id: string): Promise<PaymentIntent> {
    return this.#guard('read payment intent', (h) => h.call(replies.intent, 'GET', `/api/v1/payments/intents/${encodeURIComponent(id)}`));
  }

  authorize(id: string, paymentMethod: PaymentMethod, key: string): Promise<PaymentIntent> {
    return this.#guard('authorize', (h) =>
      h.call(
        replies.intent,
        'POST',
        `/api/v1/payments/intents/${encodeURIComponent(id)}/authorize`,
        { payment_method: paymentMethod } satisfies AuthorizeBody,
        key,
      ),
    );
  }

  capture(id: string, key: string, amount?: number): Promise<PaymentIntent> {
    return this.#guard('capture', (h) =>
      h.call(
        replies.intent,
        'POST',
        `/api/v1/payments/intents/${encodeURIComponent(id)}/capture`,
        (amount === undefined ? {} : { amount }) satisfies CaptureBody,
        key,
      ),
    );
  }

  cancel(id: string, reason: string, key: string): Promise<PaymentIntent> {
    return this.#guard('cancel payment', (h) =>
      h.call(replies.intent, 'POST', `/api/v1/payments/intents/${encodeURIComponent(id)}/cancel`, { reason } satisfies CancelBody, key),
    );
  }

  refund(id: string, amount: number, reason: string, key: string): Promise<Refund> {
    return this.#guard('refund', (h) =>
      h.call(
        replies.refund,
        'POST',
        `/api/v1/payments/intents/${encodeURIComponent(id)}/refunds`,
        { amount, reason } satisfies RefundBody,
        key,
      ),
    );
  }
}
