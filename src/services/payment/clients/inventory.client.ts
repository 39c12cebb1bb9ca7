/**
 * The payment service's one question to the inventory service (which owns venues): which venues does
 * an organization have? It decides what a `business` caller may read (payment.access.ts), and is
 * asked before any transaction opens. Typed and checked by inventory's contract (ADR 0005); carries the
 * service token. An inventory that cannot answer makes the request a 503: nothing is read.
 */
import { VenueListReply } from '../../../contracts/inventory.js';
import {
  contractDetails,
  query,
  replyContract,
  ServiceClient,
  ServiceRefusal,
  ServiceUnavailable,
  type ServiceClientOptions,
} from '../../../platform/http/service-client.js';
import { paymentError } from '../payment.errors.js';

const venues = replyContract(VenueListReply);

/** Where an organization's venues are looked up (the inventory client; a test may pass its own). */
export interface VenueDirectory {
  /** The ids of every venue (active or not) of an organization. */
  organizationVenueIds(organizationId: string): Promise<string[]>;
}

export class InventoryClient implements VenueDirectory {
  readonly #http: ServiceClient;

  constructor(options: ServiceClientOptions) {
    this.#http = new ServiceClient('inventory', options);
  }

  async organizationVenueIds(organizationId: string): Promise<string[]> {
    try {
      const body = await this.#http.call(
        venues,
        'GET',
        `/api/v1/venues?${query({ organization_id: organizationId, include_inactive: true })}`,
      );
      return body.venues.map((v) => v.id);
    } catch (err) {
      if (err instanceof ServiceUnavailable || err instanceof ServiceRefusal) {
        throw paymentError(
          'INVENTORY_SERVICE_UNAVAILABLE',
          `The inventory service could not say which venues are the caller's (${err.message}); nothing was read.`,
          err instanceof ServiceUnavailable ? contractDetails(err) : { inventory_code: err.code },
        );
      }
      throw err;
    }
  }
}
