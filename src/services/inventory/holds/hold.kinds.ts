/**
 * What each kind of hold does with its inventory. The hold lifecycle (holds/hold.service.ts) is the
 * same for room-nights, tables and stock; a kind only says how to give back what a hold took.
 */
import type { HoldKind, HoldStatus, InventoryExecutor, InventoryTrx } from '../inventory.tables.js';

export interface HoldKindHandler {
  readonly kind: HoldKind;
  /**
   * Returns to inventory exactly what these holds took. Called once per hold, inside the transaction
   * that moves it to RELEASED or EXPIRED; `from` is the status it left.
   */
  giveBack(trx: InventoryTrx, holds: readonly { id: string; from: HoldStatus }[]): Promise<void>;
  /** The effect of confirming, if any (retail: the goods leave the shelf). */
  onConfirm?(trx: InventoryTrx, holdId: string): Promise<void>;
  /** Whether a CONFIRMED hold can still be released (not for retail: its goods have left). */
  readonly releasableAfterConfirm: boolean;
  /** What each hold took, for responses. */
  describe(db: InventoryExecutor, holdIds: readonly string[]): Promise<Map<string, Record<string, unknown>>>;
}

export type HoldKinds = ReadonlyMap<HoldKind, HoldKindHandler>;
