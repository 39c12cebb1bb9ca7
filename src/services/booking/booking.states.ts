/**
 * The booking state machine, in one table. Every status change goes through `canTransition`
 * (booking-status.service.ts); the database backs the closed set with a CHECK. What entering each
 * status records (`STAMPS`) and does to inventory (`inventoryEffect`) is declared here too, so that no
 * route or job can forget to release what a cancelled booking held.
 */
export const BOOKING_STATUSES = ['PENDING', 'CONFIRMED', 'CHECKED_IN', 'COMPLETED', 'CANCELLED', 'NO_SHOW', 'EXPIRED'] as const;
export type BookingStatus = (typeof BOOKING_STATUSES)[number];

export const TRANSITIONS: Readonly<Record<BookingStatus, readonly BookingStatus[]>> = {
  PENDING: ['CONFIRMED', 'CANCELLED', 'EXPIRED'],
  CONFIRMED: ['CHECKED_IN', 'CANCELLED', 'COMPLETED', 'NO_SHOW'],
  CHECKED_IN: ['COMPLETED', 'CANCELLED'],
  COMPLETED: [],
  CANCELLED: [],
  NO_SHOW: [],
  EXPIRED: [],
};

export function canTransition(from: BookingStatus, to: BookingStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** What entering a status records on the booking beside the status itself. */
export interface StatusStamps {
  /** The timestamp set to the moment of the change. */
  readonly at: 'confirmed_at' | 'checked_in_at' | 'completed_at' | 'cancelled_at' | null;
  /** The booking no longer expires (expires_at cleared). */
  readonly clearsExpiry: boolean;
  /** What the cancellation policy keeps is asked and recorded (cancellation_fee). */
  readonly keepsFee: boolean;
  /** Who cancelled and why are recorded (cancelled_by, cancellation_reason). */
  readonly recordsCanceller: boolean;
}

export const STAMPS: Readonly<Record<BookingStatus, StatusStamps>> = {
  PENDING: { at: null, clearsExpiry: false, keepsFee: false, recordsCanceller: false },
  CONFIRMED: { at: 'confirmed_at', clearsExpiry: true, keepsFee: false, recordsCanceller: false },
  CHECKED_IN: { at: 'checked_in_at', clearsExpiry: false, keepsFee: false, recordsCanceller: false },
  COMPLETED: { at: 'completed_at', clearsExpiry: false, keepsFee: false, recordsCanceller: false },
  CANCELLED: { at: 'cancelled_at', clearsExpiry: true, keepsFee: true, recordsCanceller: true },
  NO_SHOW: { at: null, clearsExpiry: true, keepsFee: true, recordsCanceller: false },
  EXPIRED: { at: null, clearsExpiry: true, keepsFee: false, recordsCanceller: false },
};

/** What a transition does to the inventory the booking holds. */
export type InventoryEffect =
  /** confirm the hold (it no longer expires) */
  | 'confirm'
  /** keep the hold as it is */
  | 'keep'
  /** give all of it back */
  | 'release'
  /** give back what is no longer used (an early departure returns the unused nights) */
  | 'return_unused';

export function inventoryEffect(to: BookingStatus): InventoryEffect {
  switch (to) {
    case 'CONFIRMED':
      return 'confirm';
    case 'CHECKED_IN':
    case 'PENDING':
      return 'keep';
    case 'COMPLETED':
      return 'return_unused';
    case 'CANCELLED':
    case 'EXPIRED':
    case 'NO_SHOW':
      return 'release';
  }
}

/** The event a transition emits beside `booking.status_changed`. */
export function transitionEvent(to: BookingStatus): string | undefined {
  switch (to) {
    case 'CONFIRMED':
      return 'booking.confirmed';
    case 'CHECKED_IN':
      return 'booking.checked_in';
    case 'COMPLETED':
      return 'booking.completed';
    case 'CANCELLED':
      return 'booking.cancelled';
    case 'EXPIRED':
      return 'booking.expired';
    case 'NO_SHOW':
      return 'booking.no_show';
    case 'PENDING':
      return undefined;
  }
}
