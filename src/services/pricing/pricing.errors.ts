import { defineErrors } from '../../platform/errors.js';

/** Failure kinds of the pricing service. */
export const pricingError = defineErrors({
  PRICING_INVALID: { status: 400, message: 'The pricing rule is not valid.' },
  QUOTE_INVALID: { status: 400, message: 'The quote request is not valid.' },
  CANCELLATION_FEE_INVALID: { status: 400, message: 'The cancellation-fee request is not valid.' },
  PRICING_CURRENCY_REQUIRED: { status: 400, message: 'No currency: configure a rate plan or dining price, or send currency.' },
  PRICING_CURRENCY_MISMATCH: { status: 422, message: 'The amounts involved are in different currencies.' },
  PRICING_AMOUNT_TOO_LARGE: { status: 422, message: 'The amounts are too large to price.' },
  RATE_PLAN_NOT_FOUND: { status: 404, message: 'The rate plan does not exist.' },
  RATE_PLAN_EXISTS: { status: 409, message: 'This room type already has a rate plan.' },
  RATE_OVERRIDE_NOT_FOUND: { status: 404, message: 'The date-range override does not exist.' },
  RATE_OVERRIDE_OVERLAPS: { status: 409, message: 'Another override of the same scope covers some of these nights.' },
  WEEKDAY_RULE_NOT_FOUND: { status: 404, message: 'The weekday rule does not exist.' },
  LOS_DISCOUNT_NOT_FOUND: { status: 404, message: 'The length-of-stay discount does not exist.' },
  LOS_DISCOUNT_EXISTS: { status: 409, message: 'A length-of-stay discount with this minimum already exists in this scope.' },
  TAX_NOT_FOUND: { status: 404, message: 'The tax line does not exist.' },
  DINING_PRICE_NOT_FOUND: { status: 404, message: 'The venue has no dining price.' },
  CANCELLATION_POLICY_NOT_FOUND: { status: 404, message: 'The cancellation policy does not exist.' },
  CANCELLATION_POLICY_EXISTS: { status: 409, message: 'This venue or rate plan already has a cancellation policy.' },
  PROMO_CODE_NOT_FOUND: { status: 404, message: 'The promo code does not exist.' },
  PROMO_CODE_EXISTS: { status: 409, message: 'This promo code already exists.' },
  PROMO_CODE_REDEEMED: { status: 409, message: 'The promo code has redemptions and cannot be deleted; end its validity instead.' },
  PROMO_MAX_USES_BELOW_USES: { status: 409, message: 'max_uses cannot be below the uses already taken.' },
  PROMO_INVALID: { status: 400, message: 'The promo code is not valid.' },
  PROMO_EXPIRED: { status: 400, message: 'The promo code has expired.' },
  PROMO_NOT_APPLICABLE: { status: 400, message: 'The promo code does not apply to this request.' },
  PROMO_EXHAUSTED: { status: 409, message: 'The promo code has no uses left.' },
  /** A venue the caller does not have (to a business: another organization's venue is not found, like a missing one). */
  VENUE_NOT_FOUND: { status: 404, message: 'The venue does not exist.' },
  /** A business caller's venues could not be looked up (pricing.access.ts). */
  INVENTORY_SERVICE_UNAVAILABLE: { status: 503, message: 'The inventory service is unavailable.' },
  PROMO_REDEMPTION_RELEASED: { status: 409, message: 'The promo code was released for this booking; it cannot be redeemed again.' },
});
