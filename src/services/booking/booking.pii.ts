/**
 * A booking's guest data at rest: the name, email, phone and special-requests columns hold sealed values (AES-256-GCM,
 * the field bound to each ciphertext) and the email and phone have blind indexes beside them. The
 * repository seals on every write and opens on every read, so the domain only ever sees plain
 * values and no plain value reaches a table; whether a caller may see them is the routes' business.
 *
 * The same fields inside stored JSON (an idempotency key's stored answer, a change saga's data) are
 * sealed by `guestJsonProtection`, together with the guest token a create answers with (a bearer
 * credential: nobody reading the table may use it).
 */
import { sealedJsonFields, type JsonProtection } from '../../platform/pii/sealed-json.js';
import type { PiiVault } from '../../platform/pii/pii-vault.js';
import type { BookingTable } from './booking.tables.js';

/** The field names each column's ciphertext is bound to. */
export const GUEST_FIELDS = {
  name: 'booking.guest_name',
  email: 'booking.guest_email',
  phone: 'booking.guest_phone',
  requests: 'booking.special_requests',
} as const;

/** The guest's words in special requests (allergies, a name for the cake) are sealed like the contact details. */
type GuestColumns = Pick<BookingTable, 'guest_name' | 'guest_email' | 'guest_phone' | 'special_requests'>;

export interface SealedGuestColumns {
  guest_name?: string;
  guest_email?: string | null;
  guest_phone?: string | null;
  guest_email_index?: string | null;
  guest_phone_index?: string | null;
  special_requests?: string | null;
}

/** The columns to write for the guest fields a row sets (only those it sets), indexes included. */
export function sealGuestColumns(pii: PiiVault, row: Partial<GuestColumns>): SealedGuestColumns {
  const out: SealedGuestColumns = {};
  if (row.guest_name !== undefined) out.guest_name = pii.seal(GUEST_FIELDS.name, row.guest_name);
  if (row.guest_email !== undefined) {
    out.guest_email = pii.sealOptional(GUEST_FIELDS.email, row.guest_email);
    out.guest_email_index = pii.indexOptional('email', row.guest_email);
  }
  if (row.guest_phone !== undefined) {
    out.guest_phone = pii.sealOptional(GUEST_FIELDS.phone, row.guest_phone);
    out.guest_phone_index = pii.indexOptional('phone', row.guest_phone);
  }
  if (row.special_requests !== undefined) out.special_requests = pii.sealOptional(GUEST_FIELDS.requests, row.special_requests);
  return out;
}

/** A row as read, with its guest fields opened. */
export function openGuestColumns<R extends GuestColumns>(pii: PiiVault, row: R): R {
  return {
    ...row,
    guest_name: pii.open(GUEST_FIELDS.name, row.guest_name),
    guest_email: pii.openOptional(GUEST_FIELDS.email, row.guest_email),
    guest_phone: pii.openOptional(GUEST_FIELDS.phone, row.guest_phone),
    special_requests: pii.openOptional(GUEST_FIELDS.requests, row.special_requests),
  };
}

/** Keys whose string values are guest data (or a guest's credential) wherever the booking service stores JSON. */
export const GUEST_JSON_FIELDS = [
  'guest_name',
  'guest_email',
  'guest_phone',
  'special_requests',
  'guestName',
  'guestEmail',
  'guestPhone',
  'specialRequests',
  'guest_token',
] as const;

export function guestJsonProtection(pii: PiiVault): JsonProtection {
  return sealedJsonFields(pii, GUEST_JSON_FIELDS);
}
