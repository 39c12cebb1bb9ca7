/**
 * The webhooks service's one question to the inventory service (which owns venues): which
 * organization owns a venue? Events name a venue, endpoints an organization. Answers are cached for a
 * minute (a venue does not change owner in practice; a minute bounds the staleness if it does).
 * Asked before the consumer's transaction opens; an inventory that cannot answer fails the event's
 * handling, so it is retried.
 */
import { VenueReply } from '../../../contracts/inventory.js';
import {
  ServiceClient,
  ServiceRefusal,
  ServiceUnavailable,
  replyContract,
  type ServiceClientOptions,
} from '../../../platform/http/service-client.js';
import { webhookError } from '../webhook.errors.js';

const venue = replyContract(VenueReply);
const CACHE_MS = 60_000;

export interface VenueOwners {
  /** The organization owning a venue; null when the venue does not exist. */
  organizationOf(venueId: string): Promise<string | null>;
}

export class InventoryClient implements VenueOwners {
  readonly #http: ServiceClient;
  readonly #cache = new Map<string, { org: string | null; until: number }>();

  constructor(options: ServiceClientOptions) {
    this.#http = new ServiceClient('inventory', options);
  }

  async organizationOf(venueId: string): Promise<string | null> {
    const cached = this.#cache.get(venueId);
    if (cached !== undefined && cached.until > Date.now()) return cached.org;
    let org: string | null;
    try {
      org = (await this.#http.call(venue, 'GET', `/api/v1/venues/${encodeURIComponent(venueId)}`)).organization_id;
    } catch (err) {
      if (err instanceof ServiceRefusal && err.status === 404) org = null;
      else if (err instanceof ServiceUnavailable || err instanceof ServiceRefusal) {
        throw webhookError(
          'INVENTORY_SERVICE_UNAVAILABLE',
          `The inventory service could not name venue ${venueId}'s organization (${err.message}).`,
        );
      } else throw err;
    }
    this.#cache.set(venueId, { org, until: Date.now() + CACHE_MS });
    return org;
  }
}
