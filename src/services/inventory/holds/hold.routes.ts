/** /api/v1/holds/{id}: read, confirm and release a hold of any kind. Kinds add their own create routes. */
import type { App } from '../../../platform/http/app.js';
import { replies } from '../../../platform/http/schemas.js';
import type { InventoryContext } from '../inventory.context.js';
import { confirmHold, getHold, releaseHold } from './hold.service.js';
import { HoldParams, HoldReply, holdToReply, ReleaseBody } from './hold.schemas.js';

export function holdRoutes(app: App, ctx: InventoryContext): void {
  const tags = ['inventory'];

  app.get(
    '/api/v1/holds/:hold_id',
    {
      schema: { tags, summary: 'Read a hold', params: HoldParams, response: replies({ 200: HoldReply }) },
      config: { roles: ['business', 'admin', 'service'] },
    },
    async (request) => holdToReply(await getHold(ctx.db, ctx.holdKinds, request.params.hold_id)),
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
      config: { roles: ['service', 'admin'] },
    },
    async (request) => holdToReply(await confirmHold(ctx.db, ctx.holdKinds, request.params.hold_id, ctx.clock.now())),
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
      config: { roles: ['service', 'admin'] },
    },
    async (request) =>
      holdToReply(await releaseHold(ctx.db, ctx.holdKinds, request.params.hold_id, ctx.clock.now(), request.body?.reason ?? 'released')),
  );
}
