import { defineErrors } from '../../platform/errors.js';

/** Failure kinds of the payment service. */
export const paymentError = defineErrors({
  PAYMENT_INTENT_NOT_FOUND: { status: 404, message: 'The payment intent does not exist.' },
  PAYMENT_INTENT_INVALID_STATE: { status: 409, message: 'The payment intent is not in a state that allows this.' },
  PAYMENT_INTENT_CONFLICT: { status: 409, message: 'The payment intent kept changing while this request ran; read it again and retry.' },
  PAYMENT_DECLINED: { status: 402, message: 'The card was declined.' },
  CAPTURE_EXCEEDS_AUTHORIZED: { status: 400, message: 'The capture is larger than the amount authorized.' },
  REFUND_EXCEEDS_CAPTURED: { status: 400, message: 'The refund is larger than what was captured and not yet refunded.' },
  CURRENCY_NOT_SUPPORTED: { status: 400, message: 'The currency is not an ISO 4217 currency code.' },
  PAYMENT_PROVIDER_UNAVAILABLE: { status: 503, message: 'The payment provider is unavailable; nothing was charged.' },
  /** A business caller's venues could not be looked up (payment.access.ts). */
  INVENTORY_SERVICE_UNAVAILABLE: { status: 503, message: 'The inventory service is unavailable.' },
});
