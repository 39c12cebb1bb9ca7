import { defineErrors } from '../../platform/errors.js';

/**
 * Failure kinds of the gateway's forwarding. A service that refuses the connection (or cannot be
 * resolved) is the platform's SERVICE_UNAVAILABLE (503), with `details.service`.
 */
export const gatewayError = defineErrors({
  UPSTREAM_TIMEOUT: { status: 504, message: 'A service did not answer in time.' },
  UPSTREAM_FAILED: { status: 502, message: 'A service closed the connection without a valid answer.' },
});
