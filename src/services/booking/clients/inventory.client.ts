/**
 * The booking service's typed client of the inventory service. Every call has a timeout; every
 * mutating call carries an idempotency key, so a retry (ours, after a timeout or a 5xx, or a saga's
 * after a crash) never takes inventory twice. Inventory's refusals become booking errors that say why.
 */
import { bookingError } from '../booking.errors.js';

export interface InventoryClientOptions {
  /** Resolved per call: the inventory service may be in this process or another. */
  readonly baseUrl: () => string;
  readonly timeoutMs?: number;
  readonly retries?: number;
  /** Pause before retry n (1-based); tests pass () => 0. */
  readonly backoffMs?: (attempt: number) => number;
}

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

interface ErrorBody {
  error?: { code?: string; message?: string; details?: unknown };
}

class Unavailable extends Error {}

const NOT_FOUND_CODES = new Set(['VENUE_NOT_FOUND', 'ROOM_TYPE_NOT_FOUND', 'TABLE_NOT_FOUND']);
const NO_AVAILABILITY_CODES = new Set(['NO_AVAILABILITY', 'NO_TABLE_AVAILABLE', 'PACING_LIMIT', 'INSUFFICIENT_STOCK']);

export class InventoryClient {
  readonly #timeoutMs: number;
  readonly #retries: number;
  readonly #backoff: (attempt: number) => number;

  constructor(private readonly options: InventoryClientOptions) {
    this.#timeoutMs = options.timeoutMs ?? 5000;
    this.#retries = options.retries ?? 2;
    this.#backoff = options.backoffMs ?? ((n) => 50 * 2 ** (n - 1));
  }

  async #call<T>(method: 'GET' | 'POST', path: string, body?: unknown, idempotencyKey?: string): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (idempotencyKey !== undefined) headers['idempotency-key'] = idempotencyKey;
    let lastProblem = 'no attempt made';
    for (let attempt = 0; attempt <= this.#retries; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, this.#backoff(attempt)));
      let res: Response;
      try {
        res = await fetch(`${this.options.baseUrl()}${path}`, {
          method,
          headers,
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(this.#timeoutMs),
        });
      } catch (err) {
        lastProblem = (err as Error).name === 'TimeoutError' ? `no answer within ${this.#timeoutMs} ms` : (err as Error).message;
        continue; // every call is safe to retry: reads, or writes with an idempotency key
      }
      const text = await res.text();
      const parsed = text === '' ? undefined : (JSON.parse(text) as unknown);
      if (res.ok) return parsed as T;
      if (res.status >= 500 || res.status === 429) {
        lastProblem = `answered ${res.status}`;
        continue;
      }
      throw this.#refusal(res.status, parsed as ErrorBody | undefined);
    }
    throw new Unavailable(lastProblem);
  }

  #refusal(status: number, body: ErrorBody | undefined): Error {
    const code = body?.error?.code ?? `HTTP_${status}`;
    const message = body?.error?.message ?? `The inventory service answered ${status}.`;
    const details = { inventory_code: code, ...(body?.error?.details !== undefined ? { inventory_details: body.error.details } : {}) };
    if (NO_AVAILABILITY_CODES.has(code) || (status === 409 && code === 'HTTP_409'))
      return bookingError('NO_AVAILABILITY', message, details);
    if (code === 'HOLD_EXPIRED' || code === 'HOLD_NOT_ACTIVE') return bookingError('INVENTORY_HOLD_LOST', message, details);
    if (status === 404 || NOT_FOUND_CODES.has(code)) return bookingError('INVENTORY_NOT_FOUND', message, details);
    return bookingError('INVENTORY_REJECTED', message, details);
  }

  /** Runs a call, turning "could not reach inventory" into the booking's 503. */
  async #guard<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      if (err instanceof Unavailable) {
        throw bookingError(
          'INVENTORY_SERVICE_UNAVAILABLE',
          `The inventory service is unavailable (${what}: ${err.message}); nothing was booked.`,
        );
      }
      throw err;
    }
  }

  getVenue(id: string): Promise<Venue> {
    return this.#guard('read venue', () => this.#call<Venue>('GET', `/api/v1/venues/${encodeURIComponent(id)}`));
  }

  getRoomType(id: string): Promise<RoomType> {
    return this.#guard('read room type', () => this.#call<RoomType>('GET', `/api/v1/room-types/${encodeURIComponent(id)}`));
  }

  async listRoomTypes(venueId: string): Promise<RoomType[]> {
    const body = await this.#guard('list room types', () =>
      this.#call<{ room_types: RoomType[] }>('GET', `/api/v1/venues/${encodeURIComponent(venueId)}/room-types`),
    );
    return body.room_types;
  }

  holdRooms(
    input: { room_type_id: string; check_in: string; check_out: string; quantity: number; ttl_seconds: number },
    key: string,
  ): Promise<Hold> {
    return this.#guard('hold rooms', () => this.#call<Hold>('POST', '/api/v1/holds/lodging', input, key));
  }

  holdTable(
    input: { venue_id: string; date: string; time: string; party_size: number; duration_minutes?: number; ttl_seconds: number },
    key: string,
  ): Promise<Hold> {
    return this.#guard('hold a table', () => this.#call<Hold>('POST', '/api/v1/holds/dining', input, key));
  }

  confirmHold(id: string): Promise<Hold> {
    return this.#guard('confirm hold', () => this.#call<Hold>('POST', `/api/v1/holds/${id}/confirm`, {}, `confirm:${id}`));
  }

  releaseHold(id: string, reason: string): Promise<Hold> {
    return this.#guard('release hold', () => this.#call<Hold>('POST', `/api/v1/holds/${id}/release`, { reason }, `release:${id}`));
  }

  /** Gives back a stay's nights from `checkOut` on (an early departure). */
  shortenStay(id: string, checkOut: string): Promise<Hold> {
    return this.#guard('shorten stay', () =>
      this.#call<Hold>('POST', `/api/v1/holds/${id}/shorten`, { check_out: checkOut }, `shorten:${id}:${checkOut}`),
    );
  }

  lodgingAvailability(q: {
    venue_id: string;
    room_type_id?: string;
    check_in: string;
    check_out: string;
    adults?: number;
  }): Promise<LodgingAvailability> {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(q)) if (v !== undefined) params.set(k, String(v));
    return this.#guard('search availability', () =>
      this.#call<LodgingAvailability>('GET', `/api/v1/availability/lodging?${params.toString()}`),
    );
  }

  diningAvailability(q: { venue_id: string; date: string; party_size: number; duration_minutes?: number }): Promise<DiningAvailability> {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(q)) if (v !== undefined) params.set(k, String(v));
    return this.#guard('search availability', () =>
      this.#call<DiningAvailability>('GET', `/api/v1/availability/dining?${params.toString()}`),
    );
  }
}
