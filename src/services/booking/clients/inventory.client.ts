/**
 * The booking service's typed client of the inventory service. Every call has a timeout; every
 * mutating call carries an idempotency key, so a retry (ours, after a timeout or a 5xx, or a saga's
 * after a crash) never takes inventory twice. Inventory's refusals become booking errors that say why.
 */
import {
  query,
  ServiceClient,
  ServiceRefusal,
  ServiceUnavailable,
  type ServiceClientOptions,
} from '../../../platform/http/service-client.js';
import { bookingError } from '../booking.errors.js';

export interface Venue {
  id: string;
  organization_id: string;
  type: 'hotel' | 'restaurant' | 'cafe' | 'retail';
  name: string;
  location: string;
  time_zone: string;
  currency: string;
  active: boolean;
}

export interface RoomType {
  id: string;
  venue_id: string;
  name: string;
  capacity_adults: number;
  price: number;
  currency?: string;
  total_quantity: number;
  active: boolean;
}

export interface Hold {
  id: string;
  kind: 'lodging' | 'dining' | 'retail';
  venue_id: string | null;
  status: 'HELD' | 'CONFIRMED' | 'RELEASED' | 'EXPIRED';
  expires_at: string;
  details: Record<string, unknown>;
}

export interface LodgingAvailability {
  results: {
    venue_id: string;
    room_type_id: string;
    name: string;
    capacity_adults: number;
    currency: string;
    price_per_night: number;
    total_price: number;
    available: number;
  }[];
}

export interface DiningAvailability {
  venue_id: string;
  date: string;
  party_size: number;
  duration_minutes: number;
  slots: { time: string; start: string; end: string; available: boolean; tables_free: number }[];
}

const NOT_FOUND_CODES = new Set(['VENUE_NOT_FOUND', 'ROOM_TYPE_NOT_FOUND', 'TABLE_NOT_FOUND']);
const NO_AVAILABILITY_CODES = new Set([
  'NO_AVAILABILITY',
  'NO_TABLE_AVAILABLE',
  'PACING_LIMIT',
  'ALLOCATION_CONTENDED',
  'INSUFFICIENT_STOCK',
]);

/** Inventory's refusal, as the booking error that says why. */
function translate(refusal: ServiceRefusal): Error {
  const { status, code, message } = refusal;
  const details = { inventory_code: code, ...(refusal.details !== undefined ? { inventory_details: refusal.details } : {}) };
  if (NO_AVAILABILITY_CODES.has(code) || (status === 409 && code === 'HTTP_409')) return bookingError('NO_AVAILABILITY', message, details);
  if (code === 'HOLD_EXPIRED' || code === 'HOLD_NOT_ACTIVE') return bookingError('INVENTORY_HOLD_LOST', message, details);
  if (status === 404 || NOT_FOUND_CODES.has(code)) return bookingError('INVENTORY_NOT_FOUND', message, details);
  return bookingError('INVENTORY_REJECTED', message, details);
}

export class InventoryClient {
  readonly #http: ServiceClient;

  constructor(options: ServiceClientOptions) {
    this.#http = new ServiceClient('inventory', options);
  }

  /** Runs a call; "could not reach inventory" becomes the booking's 503, a refusal its booking error. */
  async #guard<T>(what: string, run: (http: ServiceClient) => Promise<T>): Promise<T> {
    try {
      return await run(this.#http);
    } catch (err) {
      if (err instanceof ServiceUnavailable) {
        throw bookingError(
          'INVENTORY_SERVICE_UNAVAILABLE',
          `The inventory service is unavailable (${what}: ${err.message}); nothing was booked.`,
        );
      }
      if (err instanceof ServiceRefusal) throw translate(err);
      throw err;
    }
  }

  getVenue(id: string): Promise<Venue> {
    return this.#guard('read venue', (h) => h.call<Venue>('GET', `/api/v1/venues/${encodeURIComponent(id)}`));
  }

  getRoomType(id: string): Promise<RoomType> {
    return this.#guard('read room type', (h) => h.call<RoomType>('GET', `/api/v1/room-types/${encodeURIComponent(id)}`));
  }

  async listRoomTypes(venueId: string): Promise<RoomType[]> {
    const body = await this.#guard('list room types', (h) =>
      h.call<{ room_types: RoomType[] }>('GET', `/api/v1/venues/${encodeURIComponent(venueId)}/room-types`),
    );
    return body.room_types;
  }

  holdRooms(
    input: { room_type_id: string; check_in: string; check_out: string; quantity: number; ttl_seconds: number },
    key: string,
  ): Promise<Hold> {
    return this.#guard('hold rooms', (h) => h.call<Hold>('POST', '/api/v1/holds/lodging', input, key));
  }

  holdTable(
    input: { venue_id: string; date: string; time: string; party_size: number; duration_minutes?: number; ttl_seconds: number },
    key: string,
  ): Promise<Hold> {
    return this.#guard('hold a table', (h) => h.call<Hold>('POST', '/api/v1/holds/dining', input, key));
  }

  confirmHold(id: string): Promise<Hold> {
    return this.#guard('confirm hold', (h) => h.call<Hold>('POST', `/api/v1/holds/${id}/confirm`, {}, `confirm:${id}`));
  }

  releaseHold(id: string, reason: string): Promise<Hold> {
    return this.#guard('release hold', (h) => h.call<Hold>('POST', `/api/v1/holds/${id}/release`, { reason }, `release:${id}`));
  }

  /** Gives back a stay's nights from `checkOut` on (an early departure). */
  shortenStay(id: string, checkOut: string): Promise<Hold> {
    return this.#guard('shorten stay', (h) =>
      h.call<Hold>('POST', `/api/v1/holds/${id}/shorten`, { check_out: checkOut }, `shorten:${id}:${checkOut}`),
    );
  }

  lodgingAvailability(q: {
    venue_id: string;
    room_type_id?: string;
    check_in: string;
    check_out: string;
    adults?: number;
  }): Promise<LodgingAvailability> {
    return this.#guard('search availability', (h) => h.call<LodgingAvailability>('GET', `/api/v1/availability/lodging?${query(q)}`));
  }

  diningAvailability(q: { venue_id: string; date: string; party_size: number; duration_minutes?: number }): Promise<DiningAvailability> {
    return this.#guard('search availability', (h) => h.call<DiningAvailability>('GET', `/api/v1/availability/dining?${query(q)}`));
  }
}
