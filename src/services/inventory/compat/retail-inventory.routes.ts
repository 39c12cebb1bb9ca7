/**
 * /api/inventory: the retail stock contract of seed 003 (CONTRACTS.md "Retail stock"), kept exactly —
 * paths, status codes, FastAPI-style `{"detail": …}` bodies and 422 validation lists — as a thin
 * adapter over the same use-cases as /api/v1/stock. Not copied from the original: its read-modify-write
 * reduce (here one conditional UPDATE), its 500 on a racing duplicate create (409), and a PUT that could
 * set quantity below reserved_qty (400). Every mutation takes an Idempotency-Key header; a replayed
 * refusal renders exactly like the first one.
 */
import { Type } from 'typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AppError } from '../../../platform/errors.js';
import { compatAccess, detailErrorHandler, type DetailResponse } from '../../../platform/http/compat.js';
import type { App } from '../../../platform/http/app.js';
import { sendAnswer } from '../../../platform/http/idempotent.js';
import { scopedKey } from '../../../platform/idempotency/once.js';
import { IdempotencyHeaders } from '../../../platform/http/schemas.js';
import type { InventoryContext } from '../inventory.context.js';
import type { StockErrorCode } from '../retail/stock.errors.js';
import {
  DetailReply,
  InventoryCheckQuery,
  InventoryCheckReply,
  InventoryCreateBody,
  InventoryDeletedReply,
  InventoryItem,
  InventoryParams,
  InventoryRestockBody,
  InventoryTakeBody,
  InventoryUpdateBody,
  stockItemToInventoryItem,
} from '../retail/stock.schemas.js';
import {
  MAX_STOCK_QUANTITY,
  checkStock,
  createStock,
  deleteStock,
  getStock,
  listStock,
  reduceStock,
  restockStock,
  updateStock,
  type StockItem,
} from '../retail/stock.service.js';

/** This surface's wording of each stock failure (the details carry the figures, also on a replay). */
export function retailInventoryDetail(err: AppError): DetailResponse | undefined {
  const d = (err.details ?? {}) as Record<string, unknown>;
  const product = String(d.product_id);
  const code = err.code as StockErrorCode | 'VALIDATION_FAILED';
  switch (code) {
    case 'STOCK_ITEM_NOT_FOUND':
      return { status: 404, detail: `Inventory for product ${product} not found` };
    case 'STOCK_ITEM_EXISTS':
      return { status: 409, detail: `Inventory for product ${product} already exists` };
    case 'INSUFFICIENT_STOCK':
      return { status: 400, detail: `Insufficient stock. Available: ${String(d.available)}, Requested: ${String(d.requested)}` };
    case 'QUANTITY_BELOW_RESERVED':
      return {
        status: 400,
        detail: `Quantity cannot be below reserved quantity. Reserved: ${String(d.reserved_qty)}, Requested: ${String(d.requested)}`,
      };
    case 'STOCK_LIMIT_EXCEEDED':
      return {
        status: 400,
        detail: `Quantity cannot exceed ${MAX_STOCK_QUANTITY}. Current: ${String(d.quantity)}, Requested: ${String(d.requested)}`,
      };
    case 'STOCK_ITEM_RESERVED':
      return { status: 409, detail: `Inventory for product ${product} has ${String(d.reserved_qty)} reserved units and cannot be deleted` };
    case 'VALIDATION_FAILED':
      // A body that is not JSON: FastAPI answers 422 too.
      return { status: 422, detail: [{ loc: ['body'], msg: err.message, type: 'value_error' }] };
    default:
      return undefined;
  }
}

const keyed = (operation: string, key: string | undefined) => scopedKey(`anonymous:inventory.stock.${operation}`, key);

const failures = { 400: DetailReply, 404: DetailReply, 409: DetailReply, 422: DetailReply };

export async function retailInventoryRoutes(app: App, ctx: InventoryContext): Promise<void> {
  await app.register(async (plugin) => {
    const scope = plugin.withTypeProvider<TypeBoxTypeProvider>();
    scope.setErrorHandler(detailErrorHandler(retailInventoryDetail));
    compatAccess(scope);
    const tags = ['inventory'];
    const render = stockItemToInventoryItem;
    const ok = (item: StockItem) => ({ status: 200, body: render(item) });

    scope.post(
      '/api/inventory',
      {
        schema: {
          tags,
          summary: 'Add a product to inventory (seed 003)',
          headers: IdempotencyHeaders,
          body: InventoryCreateBody,
          response: { 201: InventoryItem, ...failures },
        },
      },
      async (request, reply) => {
        const b = request.body;
        return sendAnswer(
          reply,
          await createStock(
            ctx,
            { productId: b.product_id, productName: b.product_name, quantity: b.quantity },
            { render: (item) => ({ status: 201, body: render(item) }), key: keyed('create', request.headers['idempotency-key']) },
          ),
        );
      },
    );

    scope.get(
      '/api/inventory',
      { schema: { tags, summary: 'List all inventory items (seed 003)', response: { 200: Type.Array(InventoryItem) } } },
      async () => (await listStock(ctx.db)).map(render),
    );

    scope.get(
      '/api/inventory/:product_id',
      {
        schema: {
          tags,
          summary: 'Inventory of one product (seed 003)',
          params: InventoryParams,
          response: { 200: InventoryItem, ...failures },
        },
      },
      async (request) => render(await getStock(ctx.db, request.params.product_id)),
    );

    scope.get(
      '/api/inventory/:product_id/check',
      {
        schema: {
          tags,
          summary: 'Whether N units are available (seed 003)',
          params: InventoryParams,
          querystring: InventoryCheckQuery,
          response: { 200: InventoryCheckReply, ...failures },
        },
      },
      async (request) => {
        const { product_id: productId } = request.params;
        const { quantity } = request.query;
        const { inStock } = await checkStock(ctx, productId, quantity);
        return { product_id: productId, requested: quantity, in_stock: inStock };
      },
    );

    scope.patch(
      '/api/inventory/:product_id/reduce',
      {
        schema: {
          tags,
          summary: 'Reduce stock: an order was placed (seed 003); Idempotency-Key makes a retry take stock once',
          headers: IdempotencyHeaders,
          params: InventoryParams,
          body: InventoryTakeBody,
          response: { 200: InventoryItem, ...failures },
        },
      },
      async (request, reply) => {
        const productId = request.params.product_id;
        return sendAnswer(
          reply,
          await reduceStock(
            ctx,
            { productId, quantity: request.body.quantity },
            { render: ok, key: keyed(`reduce:${productId}`, request.headers['idempotency-key']) },
          ),
        );
      },
    );

    scope.patch(
      '/api/inventory/:product_id/restock',
      {
        schema: {
          tags,
          summary: 'Add stock: a shipment arrived (seed 003)',
          headers: IdempotencyHeaders,
          params: InventoryParams,
          body: InventoryRestockBody,
          response: { 200: InventoryItem, ...failures },
        },
      },
      async (request, reply) => {
        const productId = request.params.product_id;
        return sendAnswer(
          reply,
          await restockStock(
            ctx,
            { productId, quantity: request.body.quantity },
            { render: ok, key: keyed(`restock:${productId}`, request.headers['idempotency-key']) },
          ),
        );
      },
    );

    scope.put(
      '/api/inventory/:product_id',
      {
        schema: {
          tags,
          summary: 'Update product name or quantity (seed 003); quantity never below reserved_qty',
          headers: IdempotencyHeaders,
          params: InventoryParams,
          body: InventoryUpdateBody,
          response: { 200: InventoryItem, ...failures },
        },
      },
      async (request, reply) => {
        const productId = request.params.product_id;
        return sendAnswer(
          reply,
          await updateStock(
            ctx,
            { productId, productName: request.body.product_name ?? undefined, quantity: request.body.quantity ?? undefined },
            { render: ok, key: keyed(`update:${productId}`, request.headers['idempotency-key']) },
          ),
        );
      },
    );

    scope.delete(
      '/api/inventory/:product_id',
      {
        schema: {
          tags,
          summary: 'Remove a product from inventory (seed 003)',
          headers: IdempotencyHeaders,
          params: InventoryParams,
          response: { 200: InventoryDeletedReply, ...failures },
        },
      },
      async (request, reply) => {
        const productId = request.params.product_id;
        return sendAnswer(
          reply,
          await deleteStock(ctx, productId, {
            render: (item) => ({ status: 200, body: { message: `Inventory for product ${item.productId} deleted successfully` } }),
            key: keyed(`delete:${productId}`, request.headers['idempotency-key']),
          }),
        );
      },
    );
  });
}
