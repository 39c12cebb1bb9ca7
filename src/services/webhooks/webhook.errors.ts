import { defineErrors } from '../../platform/errors.js';

/** Failure kinds of the webhooks service. */
export const webhookError = defineErrors({
  WEBHOOK_ENDPOINT_NOT_FOUND: { status: 404, message: 'The webhook endpoint does not exist.' },
  WEBHOOK_DELIVERY_NOT_FOUND: { status: 404, message: 'The webhook delivery does not exist.' },
  /** Only http(s) URLs, without credentials. */
  WEBHOOK_URL_INVALID: { status: 422, message: 'The webhook URL must be an http or https URL.' },
  /** The host is (or resolves to) a private, loopback, link-local, unique-local or unspecified address. */
  WEBHOOK_URL_PRIVATE: { status: 422, message: 'The webhook URL points to a private or local address.' },
  WEBHOOK_URL_UNRESOLVABLE: { status: 422, message: 'The webhook URL’s host does not resolve.' },
  WEBHOOK_ENDPOINT_DISABLED: { status: 409, message: 'The webhook endpoint is disabled; enable it first.' },
  /** Endpoints belong to an organization: a user without one, or narrowed to some venues, manages none. */
  WEBHOOK_SCOPE_REFUSED: {
    status: 403,
    message: 'Webhook endpoints are managed by an organization’s business users (not narrowed to venues) or admins.',
  },
  /** A venue's organization could not be looked up; the event is retried. */
  INVENTORY_SERVICE_UNAVAILABLE: { status: 503, message: 'The inventory service is unavailable.' },
});
