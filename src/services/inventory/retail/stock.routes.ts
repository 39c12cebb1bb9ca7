/**
 * /api/v1 retail stock: stock administration (/api/v1/stock) and the order flow's retail holds
 * (POST /api/v1/holds/retail; reading, confirming and releasing a hold is the core's /api/v1/holds/{id}).
 * Every mutation takes an Idempotency-Key header.
 *
 * Access: every route declares roles (none is public). `business` sees and changes only the stock of
 * its organization's shops (narrowed to its `venues`; another's is a 404, as a missing one) and lists
 * only those; stock without a shop (the /api/inventory items) belongs to no organization: only
 * `admin` and `service` see it. Retail holds: `service`, `admin`, and `business` on its own stock.
 */
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { scopeOf } from '../../../platform/auth/identity.js';
import type { App } from '../../../platform/http/app.js';
import { sendAnswer } from '../../../platform/http/idempotent.js';
import { scopedKey } from '../../../platform/idempotency/once.js';
import { IdempotencyHeaders, replies } from '../../../platform/http/schemas.js';
import { HoldReply, holdToReply } from '../holds/hold.schemas.js';
import { DEFAULT_HOLD_TTL_SECONDS } from '../holds/hold.service.js';
import type { InventoryContext } from '../inventory.context.js';
import { keyScope } from '../inventory.scope.js';
import {
  CreateStockBody,
  RestockBody,
  RetailHoldBody,
  StockItemReply,
  StockListReply,
  StockParams,
  StockQuery,
  TakeBody,
  UpdateStockBody,
  stockItemToReply,
} from './stock.schemas.js';
import {
  createStock,
  deleteStock,
  getStock,
  holdStock,
  listStock,
  reduceStock,
  restockStock,
  updateStock,
  type StockItem,
} from './stock.service.js';

/** The key of a request on /api/v1, in the caller's principal (admin and service: `anonymous`, as before). */
const keyed = (request: FastifyRequest, operation: string, key: string | undefined) =>
  scopedKey(keyScope(scopeOf(request.identity), operation), key);

export function stockRoutes(app: App, ctx: InventoryContext): void {
  const tags = ['inventory'];
  const admin = { roles: ['business', 'admin'] as const };
  const readers = { roles: ['business', 'admin', 'service'] as const };
  const render = stockItemToReply;
  const ok = (item: StockItem) => ({ status: 200, body: render(item) });

  app.post(
    '/api/v1/stock',
    {
      schema: {
        tags,
        summary: 'Create a stock item (optionally in a shop)',
        headers: IdempotencyHeaders,
        body: CreateStockBody,
        response: replies({ 201: StockItemReply }),
      },
      config: admin,
    },
    async (request, reply) => {
      const b = request.body;
      return sendAnswer(
        reply,
        await createStock(
          ctx,
          {
            productId: b.product_id,
            productName: b.product_name,
            quantity: b.quantity,
            venueId: b.venue_id,
            lowStockThreshold: b.low_stock_threshold,
          },
          {
            render: (item) => ({ status: 201, body: render(item) }),
            key: keyed(request, 'inventory.v1.stock.create', request.headers['idempotency-key']),
          },
          scopeOf(request.identity),
        ),
      );
    },
  );

  app.get(
    '/api/v1/stock',
    {
      schema: {
        tags,
        summary: 'List stock items (of one shop with venue_id)',
        querystring: StockQuery,
        response: replies({ 200: StockListReply }),
      },
      config: readers,
    },
    async (request) => ({ items: (await listStock(ctx.db, { venueId: request.query.venue_id }, scopeOf(request.identity))).map(render) }),
  );

  app.get(
    '/api/v1/stock/:product_id',
    {
      schema: { tags, summary: 'Read a stock item', params: StockParams, response: replies({ 200: StockItemReply }) },
      config: readers,
    },
    async (request) => render(await getStock(ctx.db, request.params.product_id, scopeOf(request.identity))),
  );

  app.patch(
    '/api/v1/stock/:product_id/reduce',
    {
      schema: {
        tags,
        summary: 'Take units off the shelf; refused with INSUFFICIENT_STOCK when fewer are available',
        headers: IdempotencyHeaders,
        params: StockParams,
        body: TakeBody,
        response: replies({ 200: StockItemReply }),
      },
      config: readers,
    },
    async (request, reply) => {
      const productId = request.params.product_id;
      return sendAnswer(
        reply,
        await reduceStock(
          ctx,
          { productId, quantity: request.body.quantity },
          { render: ok, key: keyed(request, `inventory.v1.stock.reduce:${productId}`, request.headers['idempotency-key']) },
          scopeOf(request.identity),
        ),
      );
    },
  );

  app.patch(
    '/api/v1/stock/:product_id/restock',
    {
      schema: {
        tags,
        summary: 'Add delivered units',
        headers: IdempotencyHeaders,
        params: StockParams,
        body: RestockBody,
        response: replies({ 200: StockItemReply }),
      },
      config: admin,
    },
    async (request, reply) => {
      const productId = request.params.product_id;
      return sendAnswer(
        reply,
        await restockStock(
          ctx,
          { productId, quantity: request.body.quantity },
          { render: ok, key: keyed(request, `inventory.v1.stock.restock:${productId}`, request.headers['idempotency-key']) },
          scopeOf(request.identity),
        ),
      );
    },
  );

  app.put(
    '/api/v1/stock/:product_id',
    {
      schema: {
        tags,
        summary: 'Rename and/or set the quantity (never below the reserved units)',
        headers: IdempotencyHeaders,
        params: StockParams,
        body: UpdateStockBody,
        response: replies({ 200: StockItemReply }),
      },
      config: admin,
    },
    async (request, reply) => {
      const productId = request.params.product_id;
      return sendAnswer(
        reply,
        await updateStock(
          ctx,
          {
            productId,
            productName: request.body.product_name,
            quantity: request.body.quantity,
            lowStockThreshold: request.body.low_stock_threshold,
          },
          { render: ok, key: keyed(request, `inventory.v1.stock.update:${productId}`, request.headers['idempotency-key']) },
          scopeOf(request.identity),
        ),
      );
    },
  );

  app.delete(
    '/api/v1/stock/:product_id',
    {
      schema: {
        tags,
        summary: 'Delete a stock item (refused while holds reserve units of it)',
        headers: IdempotencyHeaders,
        params: StockParams,
        response: replies({ 204: Type.Null() }),
      },
      config: admin,
    },
    async (request, reply) => {
      const productId = request.params.product_id;
      return sendAnswer(
        reply,
        await deleteStock(
          ctx,
          productId,
          {
            render: () => ({ status: 204, body: null }),
            key: keyed(request, `inventory.v1.stock.delete:${productId}`, request.headers['idempotency-key']),
          },
          scopeOf(request.identity),
        ),
      );
    },
  );

  app.post(
    '/api/v1/holds/retail',
    {
      schema: {
        tags,
        summary: 'Reserve units of a product for an order: a hold that expires unless confirmed',
        description:
          'Confirming the hold (POST /api/v1/holds/{id}/confirm) commits the units: quantity and reserved_qty both fall. ' +
          'Releasing or expiry gives them back. A confirmed retail hold cannot be released (HOLD_NOT_RELEASABLE).',
        headers: IdempotencyHeaders,
        body: RetailHoldBody,
        response: replies({ 201: HoldReply }),
      },
      config: { roles: ['service', 'business', 'admin'] },
    },
    async (request, reply) => {
      const b = request.body;
      const key = request.headers['idempotency-key'] ?? b.idempotency_key;
      return sendAnswer(
        reply,
        await holdStock(
          ctx,
          { productId: b.product_id, quantity: b.quantity, ttlSeconds: b.ttl_seconds ?? DEFAULT_HOLD_TTL_SECONDS },
          { render: (hold) => ({ status: 201, body: holdToReply(hold) }), key: keyed(request, 'inventory.hold.retail', key) },
          scopeOf(request.identity),
        ),
      );
    },
  );
}
