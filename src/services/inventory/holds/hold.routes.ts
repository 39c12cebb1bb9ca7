/**
 * /api/v1/holds/{id}: read, confirm and release a hold of any kind. Kinds add their own create routes.
 *
 * Access: `service` (the booking saga), `admin`, and `business` for the holds of its organization's
 * venues (narrowed to its `venues`); another's hold is a 404. Guests and anonymous callers hold through
 * the booking service, never here.
 */
import { scopeOf } from '../../../platform/auth/identity.js';
import type { App } from '../../../platform/http/app.js';
import { replies } from '../../../platform/http/schemas.js';
import type { InventoryContext } from '../inventory.context.js';
import { confirmHold, getHold, releaseHold } from './hold.service.js';
import { HoldParams, HoldReply, holdToReply, ReleaseBody } from './hold.schemas.js';

export function holdRoutes(app: App, ctx: InventoryContext): void {
  const tags = ['inventory'];
  const holders = { roles: ['service', 'business', 'admin'] as const };

  app.get(
    '/api/v1/holds/:hold_id',
    {
      schema: { tags, summary: 'Read a hold', params: HoldParams, response: replies({ 200: HoldReply }) },
      config: holders,
    },
    async (request) => holdToReply(await getHold(ctx.db, ctx.holdKinds, request.params.hold_id, scopeOf(request.identity))),
  );

  app.post(
    '/api/v1/holds/:hold_id/confirm',
    {
      schema: {
        tags,
        summary: 'Confirm a hold (idempotent); an expired hold is refused with HOLD_EXPIRED',
        params: HoldParams,
        response: replies({ 200: HoldReply }),
      },
      config: holders,
    },
    async (request) =>
      holdToReply(await confirmHold(ctx.db, ctx.holdKinds, request.params.hold_id, ctx.clock.now(), scopeOf(request.identity))),
  );

  app.post(
    '/api/v1/holds/:hold_id/release',
    {
      schema: {
        tags,
        summary: 'Release a hold: its inventory goes back on sale, exactly once (idempotent)',
        params: HoldParams,
        body: ReleaseBody,
        response: replies({ 200: HoldReply }),
      },
      config: holders,
    },
    async (request) =>
      holdToReply(
        await releaseHold(
          ctx.db,
          ctx.holdKinds,
          request.params.hold_id,
          ctx.clock.now(),
          request.body?.reason ?? 'released',
          scopeOf(request.identity),
        ),
      ),
  );
}
