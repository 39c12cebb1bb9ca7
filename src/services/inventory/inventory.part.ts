import type { Migration } from 'kysely';
import type { App } from '../../platform/http/app.js';
import type { HoldKindHandler } from './holds/hold.kinds.js';
import type { InventoryContext } from './inventory.context.js';

/**
 * A capability of the inventory service (lodging, dining, retail): its migrations, its kind of hold,
 * and its routes. The service module composes the parts; parts never import each other.
 */
export interface InventoryPart {
  readonly name: string;
  /** Dated migrations of the inventory schema that this part owns. */
  readonly migrations: Readonly<Record<string, Migration>>;
  /** How this part's holds give back inventory (absent while the part has no holds). */
  readonly holdKind?: HoldKindHandler;
  /** Registers the part's routes; a compatibility surface registers in its own scope with its own error renderer. */
  register(app: App, ctx: InventoryContext): Promise<void>;
}
