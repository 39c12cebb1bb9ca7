/**
 * Which paths belong to which service, for a gateway whose process does not run that service: every
 * path under a prefix goes to that service unchanged (path and query string). One line per service;
 * a new service (analytics, …) adds its line here.
 */
import type { ServiceName } from '../../platform/config.js';

export const FORWARDED_PREFIXES: Readonly<Partial<Record<ServiceName, readonly string[]>>> = {
  booking: ['/api/v1/bookings', '/bookings'],
  inventory: [
    '/api/v1/venues',
    '/api/v1/room-types',
    '/api/v1/tables',
    '/api/v1/stock',
    '/api/v1/holds',
    '/api/v1/availability',
    '/rooms',
    '/inventory',
    '/api/inventory',
  ],
  pricing: ['/api/v1/pricing'],
  payment: ['/api/v1/payments'],
  webhooks: ['/api/v1/webhooks'],
};
