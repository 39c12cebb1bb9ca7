/**
 * The payment intent state machine, in one table. Every status change goes through `canTransition`;
 * the database backs the closed set with a CHECK. A decline is not a transition: the intent records it
 * and stays `requires_payment_method`, so that another card can be tried. Refunds do not change the
 * status either: a refunded intent stays `succeeded`, with `amount_refunded` saying how much went back.
 */
export const INTENT_STATUSES = ['requires_payment_method', 'requires_capture', 'succeeded', 'canceled'] as const;
export type IntentStatus = (typeof INTENT_STATUSES)[number];

export const TRANSITIONS: Readonly<Record<IntentStatus, readonly IntentStatus[]>> = {
  requires_payment_method: ['requires_capture', 'canceled'],
  requires_capture: ['succeeded', 'canceled'],
  succeeded: [],
  canceled: [],
};

export function canTransition(from: IntentStatus, to: IntentStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** The statuses from which `to` can be reached. */
export function statusesLeadingTo(to: IntentStatus): IntentStatus[] {
  return INTENT_STATUSES.filter((from) => canTransition(from, to));
}

export const LEDGER_KINDS = ['authorization', 'authorization_release', 'capture', 'refund'] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

/**
 * A provider call's life: `pending` from before the call until it is settled; then `succeeded`,
 * `declined` (an authorization the card refused) or `failed` (the provider never received it).
 */
export const ATTEMPT_STATUSES = ['pending', 'succeeded', 'declined', 'failed'] as const;
export type AttemptStatus = (typeof ATTEMPT_STATUSES)[number];
