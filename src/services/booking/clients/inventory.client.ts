/**
 * The booking service's typed client of the inventory service. Every call has a timeout; every
 * mutating call carries an idempotency key, so a retry (ours, after a timeout or a 5xx, or a saga's
 * after a crash) never takes inventory twice. Inventory's refusals become booking errors that say why.
 *
 * Requests and replies are typed by inventory's contract (src/contracts/inventory.ts), and every reply
 * is checked against it: a reply that breaks the contract is INVENTORY_SERVICE_UNAVAILABLE (503) with
 * the call and the wrong fields in its message and details — the saga treats it as it treats an
 * unreachable inventory (ADR 0005).
 */
import {
  DiningAvailabilityReply,
  HoldReply,
  LodgingAvailabilityReply,
  RoomTypeListReply,
  RoomTypeReply,
  VenueListReply,
  VenueReply,
  type CreateLodgingHoldBody,
  type DiningAvailabilityQuery,
  type DiningHoldBody,
  type InventoryErrorCode,
  type LodgingAvailabilityQuery,
  type ReleaseBody,
  type ShortenBody,
} from '../../../contracts/inventory.js';
import {
  query,
  contractDetails,
  replyContract,
  ServiceClient,
  ServiceRefusal,
  ServiceUnavailable,
  type ServiceClientOptions,
} from '../../../platform/http/service-client.js';
import { bookingError } from '../booking.errors.js';

export type Venue = VenueReply;
export type RoomType = RoomTypeReply;
export type Hold = HoldReply;
export type LodgingAvailability = LodgingAvailabilityReply;
export type DiningAvailability = DiningAvailabilityReply;
export type LodgingHoldRequest = CreateLodgingHoldBody;
export type DiningHoldRequest = DiningHoldBody;

const replies = {
  venue: replyContract(VenueReply),
  venues: replyContract(VenueListReply),
  roomType: replyContract(RoomTypeReply),
  roomTypes: replyContract(RoomTypeListReply),
  hold: replyContract(HoldReply),
  lodgingAvailability: replyContract(LodgingAvailabilityReply),
  diningAvailability: replyContract(DiningAvailabilityReply),
};

const NOT_FOUND_CODES: readonly InventoryErrorCode[] = ['VENUE_NOT_FOUND', 'ROOM_TYPE_NOT_FOUND', 'TABLE_NOT_FOUND'];
const NO_AVAILABILITY_CODES: readonly InventoryErrorCode[] = [
  'NO_AVAILABILITY',
  'NO_TABLE_AVAILABLE',
  'PACING_LIMIT',
  'ALLOCATION_CONTENDED',
  'INSUFFICIENT_STOCK',
];
const HOLD_LOST_CODES: readonly InventoryErrorCode[] = ['HOLD_EXPIRED', 'HOLD_NOT_ACTIVE'];

const isOneOf = (codes: readonly string[], code: string) => codes.includes(code);

/** Inventory's refusal, as the booking error that says why. */
function translate(refusal: ServiceRefusal): Error {
  const { status, code, message } = refusal;
  const details = { inventory_code: code, ...(refusal.details !== undefined ? { inventory_details: refusal.details } : {}) };
  if (isOneOf(NO_AVAILABILITY_CODES, code) || (status === 409 && code === 'HTTP_409'))
    return bookingError('NO_AVAILABILITY', message, details);
  if (isOneOf(HOLD_LOST_CODES, code)) return bookingError('INVENTORY_HOLD_LOST', message, details);
  if (status === 404 || isOneOf(NOT_FOUND_CODES, code)) return bookingError('INVENTORY_NOT_FOUND', message, details);
  return bookingError('INVENTORY_REJECTED', message, details);
}

export class InventoryClient {
  readonly #http: ServiceClient;

  constructor(options: ServiceClientOptions) {
    this.#http = new ServiceClient('inventory', options);
  }

  /** Runs a call; "could not reach inventory" (or a reply breaking its contract) becomes the booking's 503, a refusal its booking error. */
  async #guard<T>(what: string, run: (http: ServiceClient) => Promise<T>): Promise<T> {
    try {
      return await run(this.#http);
    } catch (err) {
      if (err instanceof ServiceUnavailable) {
        throw bookingError(
          'INVENTORY_SERVICE_UNAVAILABLE',
          `The inventory service is unavailable (${what}: ${err.message}); nothing was booked.`,
          contractDetails(err),
        );
      }
      if (err instanceof ServiceRefusal) throw translate(err);
      throw err;
    }
  }

  getVenue(id: string): Promise<Venue> {
    return this.#guard('read venue', (h) => h.call(replies.venue, 'GET', `/api/v1/venues/${encodeURIComponent(id)}`));
  }

  /** The ids of every venue (active or not) of an organization. */
  async organizationVenueIds(organizationId: string): Promise<string[]> {
    const body = await this.#guard('list venues', (h) =>
      h.call(replies.venues, 'GET', `/api/v1/venues?${query({ organization_id: organizationId, include_inactive: true })}`),
    );
    return body.venues.map((v) => v.id);
  }

  getRoomType(id: string): Promise<RoomType> {
    return this.#guard('read room type', (h) => h.call(replies.roomType, 'GET', `/api/v1/room-types/${encodeURIComponent(id)}`));
  }

  async listRoomTypes(venueId: string): Promise<RoomType[]> {
    const body = await this.#guard('list room types', (h) =>
      h.call(replies.roomTypes, 'GET', `/api/v1/venues/${encodeURIComponent(venueId)}/room-types`),
    );
    return body.room_types;
  }

  holdRooms(input: LodgingHoldRequest, key: string): Promise<Hold> {
    return this.#guard('hold rooms', (h) => h.call(replies.hold, 'POST', '/api/v1/holds/lodging', input, key));
  }

  holdTable(input: DiningHoldRequest, key: string): Promise<Hold> {
    return this.#guard('hold a table', (h) => h.call(replies.hold, 'POST', '/api/v1/holds/dining', input, key));
  }

  confirmHold(id: string): Promise<Hold> {
    return this.#guard('confirm hold', (h) => h.call(replies.hold, 'POST', `/api/v1/holds/${id}/confirm`, {}, `confirm:${id}`));
  }

  releaseHold(id: string, reason: string): Promise<Hold> {
    return this.#guard('release hold', (h) =>
      h.call(replies.hold, 'POST', `/api/v1/holds/${id}/release`, { reason } satisfies ReleaseBody, `release:${id}`),
    );
  }

  /** Gives back a stay's nights from `checkOut` on (an early departure). */
  shortenStay(id: string, checkOut: string): Promise<Hold> {
    return this.#guard('shorten stay', (h) =>
      h.call(
        replies.hold,
        'POST',
        `/api/v1/holds/${id}/shorten`,
        { check_out: checkOut } satisfies ShortenBody,
        `shorten:${id}:${checkOut}`,
      ),
    );
  }

  lodgingAvailability(q: LodgingAvailabilityQuery): Promise<LodgingAvailability> {
    return this.#guard('search availability', (h) =>
      h.call(replies.lodgingAvailability, 'GET', `/api/v1/availability/lodging?${query(q)}`),
    );
  }

  diningAvailability(q: DiningAvailabilityQuery): Promise<DiningAvailability> {
    return this.#guard('search availability', (h) => h.call(replies.diningAvailability, 'GET', `/api/v1/availability/dining?${query(q)}`));
  }
}
