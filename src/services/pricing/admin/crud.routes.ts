/**
 * The route factory of the pricing administration. A resource is described once — its path, how one
 * item is named, its reply schema and mapper, its body schemas with their mappers to domain input,
 * its roles and its use-cases — and `crudRoutes` registers the routes every resource answers alike:
 *
 *   POST   <path>          create   201   Idempotency-Key scope pricing.<operation>.create
 *   PUT    <path>/:<key>   set      200   pricing.<operation>.put:<key>     (instead of POST, for a
 *                                                                            rule set or replaced whole)
 *   GET    <path>          list     200   { items }
 *   GET    <path>/:<key>   read     200
 *   PATCH  <path>/:<key>   update   200   pricing.<operation>.update:<key>
 *   DELETE <path>/:<key>   delete   204   pricing.<operation>.delete:<key>
 *
 * in that order, tagged `pricing`, with the error replies of `replies()`. Writes are for `business`
 * and `admin`; reads also for `service`. Never for guests.
 *
 * Ownership (pricing.access.ts): every route first works out the caller's venues (a `business` user's
 * organization's, from the inventory service, before any transaction opens) and hands that scope to
 * the use-case, whose queries filter by it in SQL: another organization's object is not found (404),
 * lists hold only the caller's. A create (or a PUT, or a patch that moves a promo code) naming a venue
 * outside the scope is VENUE_NOT_FOUND before anything runs.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyRequest, FastifySchema, RawRequestDefaultExpression, RawServerDefault, RouteGenericInterface } from 'fastify';
import { Type, type Static, type TSchema } from 'typebox';
import type { App } from '../../../platform/http/app.js';
import type { Role } from '../../../platform/http/roles.js';
import { IdempotencyHeaders, replies } from '../../../platform/http/schemas.js';
import { output, send } from '../admin.routes.js';
import { requireVenue, venueScope, type VenueScope } from '../pricing.access.js';
import { CodeParams, IdParams, VenueParams } from '../admin.schemas.js';
import type { Answer, Output, PricingContext } from '../pricing.context.js';
import type { PricingExecutor } from '../pricing.tables.js';

/**
 * A request part as the app's TypeBox provider types it: `Static<S>` for a concrete schema. Written
 * through Fastify's own resolution so that inside the generic factory the handler's `request.body`
 * (params, query) is the very type the descriptor's mappers were checked against.
 */
type RequestOf<S extends FastifySchema> = FastifyRequest<
  RouteGenericInterface,
  RawServerDefault,
  RawRequestDefaultExpression,
  S,
  TypeBoxTypeProvider
>;
export type BodyOf<S extends TSchema> = RequestOf<{ body: S }>['body'];
export type ParamsOf<S extends TSchema> = RequestOf<{ params: S }>['params'];
export type QueryOf<S extends TSchema> = RequestOf<{ querystring: S }>['query'];

/** Every field of a patch named by its mapper (undefined: unchanged), so a new field cannot be forgotten. */
export type EveryField<T> = { readonly [K in keyof Required<T>]: T[K] | undefined };

/** A request's optional field as the domain takes it: absent is null. */
export const orNull = <T>(v: T | null | undefined): T | null => v ?? null;

export const ADMIN_ROLES = {
  write: ['business', 'admin'],
  read: ['business', 'admin', 'service'],
} as const satisfies { write: readonly Role[]; read: readonly Role[] };

/** How one item is named in its URL (`<path>/:<name>`) and the key its use-cases and idempotency scopes take. */
export interface ItemKey<P extends TSchema> {
  readonly name: string;
  readonly params: P;
  readonly key: (params: ParamsOf<P>) => string;
}
export const byId: ItemKey<typeof IdParams> = { name: 'id', params: IdParams, key: (p) => p.id };
/** Promo codes are case-insensitive: the key is upper-case. */
export const byCode: ItemKey<typeof CodeParams> = { name: 'code', params: CodeParams, key: (p) => p.code.toUpperCase() };
export const byVenue: ItemKey<typeof VenueParams> = { name: 'venue_id', params: VenueParams, key: (p) => p.venue_id };

export interface CrudResource<T, R extends TSchema, P extends TSchema, Q extends TSchema, C extends TSchema, I, U extends TSchema, X> {
  /** The collection, e.g. /api/v1/pricing/rate-plans. */
  readonly path: string;
  /** Names the idempotency scopes: pricing.<operation>.create, … */
  readonly operation: string;
  readonly item: ItemKey<P>;
  readonly roles: { readonly write: readonly Role[]; readonly read: readonly Role[] };
  readonly reply: R;
  readonly toReply: (value: T) => Static<R>;
  /** POST on the collection. */
  readonly create?: {
    readonly summary: string;
    readonly body: C;
    readonly input: (body: BodyOf<C>) => I;
    /** The venue the new object belongs to (null: platform-wide), checked against the caller's scope. */
    readonly venueOf: (input: I) => string | null;
    readonly run: (ctx: PricingContext, input: I, out: Output<T, Static<R>>, scope: VenueScope) => Promise<Answer<Static<R>>>;
  };
  /** PUT on an item: set or replace it whole (the item's key is part of the input). */
  readonly put?: {
    readonly summary: string;
    readonly body: C;
    readonly input: (body: BodyOf<C>, key: string) => I;
    readonly venueOf: (input: I) => string | null;
    readonly run: (ctx: PricingContext, input: I, out: Output<T, Static<R>>, scope: VenueScope) => Promise<Answer<Static<R>>>;
  };
  /** GET on the collection, with filters or without. */
  readonly list:
    | {
        readonly summary: string;
        readonly query: Q;
        readonly run: (db: PricingExecutor, query: QueryOf<Q>, scope: VenueScope) => Promise<readonly T[]>;
      }
    | { readonly summary: string; readonly run: (db: PricingExecutor, scope: VenueScope) => Promise<readonly T[]> };
  readonly read: { readonly summary: string; readonly run: (db: PricingExecutor, key: string, scope: VenueScope) => Promise<T> };
  readonly update?: {
    readonly summary: string;
    readonly body: U;
    /** Return an `EveryField<…Patch>`, so that a field the mapper forgets is a compile error. */
    readonly patch: (body: BodyOf<U>) => X;
    /** A patch that moves the object to another venue names it (undefined: it stays where it is). */
    readonly venueOf?: (patch: X) => string | null | undefined;
    readonly run: (ctx: PricingContext, key: string, patch: X, out: Output<T, Static<R>>, scope: VenueScope) => Promise<Answer<Static<R>>>;
  };
  readonly remove: {
    readonly summary: string;
    readonly run: (ctx: PricingContext, key: string, out: Output<void, null>, scope: VenueScope) => Promise<Answer<null>>;
  };
}

/** Types a descriptor where it is written (the mappers' parameters come from its schemas). */
export function crudResource<T, R extends TSchema, P extends TSchema, Q extends TSchema, C extends TSchema, I, U extends TSchema, X>(
  resource: CrudResource<T, R, P, Q, C, I, U, X>,
): CrudResource<T, R, P, Q, C, I, U, X> {
  return resource;
}

const tags = ['pricing'];
const none = () => null;

export function crudRoutes<T, R extends TSchema, P extends TSchema, Q extends TSchema, C extends TSchema, I, U extends TSchema, X>(
  app: App,
  ctx: PricingContext,
  r: CrudResource<T, R, P, Q, C, I, U, X>,
): void {
  const one = `${r.path}/:${r.item.name}`;
  const params = r.item.params;
  const writers = { roles: r.roles.write };
  const readers = { roles: r.roles.read };
  // Typed loosely for Fastify (a generic reply schema is not resolvable inside this function); the
  // descriptor's `toReply: (value: T) => Static<R>` is what ties each reply to its schema.
  const ok = (status: 200 | 201, schema: TSchema): Record<number, TSchema> => replies({ [status]: schema });
  const render = r.toReply;
  /** Every write of the administration changes prices or policies: its output names what to audit. */
  const audited = <V, B>(request: FastifyRequest, op: string, status: number, view: (value: V) => B, key?: string) => ({
    ...output(request, key === undefined ? `${r.operation}.${op}` : `${r.operation}.${op}:${key}`, status, view),
    audit: {
      actor: { id: request.identity?.sub ?? 'anonymous', role: request.identity?.role ?? 'anonymous' },
      requestId: String(request.id),
      operation: `${r.operation}.${op}`,
      objectType: r.operation,
      objectId: key,
    },
  });
  /** The caller's venues: asked of inventory (for a business user) before the use-case opens its transaction. */
  const scopeOf = (request: FastifyRequest) => venueScope(ctx.venues, request.identity);
  /** The scope, once the venue a write names is known to be in it. */
  const scopeFor = async (request: FastifyRequest, venueId: string | null | undefined) => {
    const scope = await scopeOf(request);
    if (venueId !== undefined) requireVenue(scope, venueId);
    return scope;
  };

  const create = r.create;
  if (create !== undefined) {
    app.post(
      r.path,
      {
        schema: { tags, summary: create.summary, headers: IdempotencyHeaders, body: create.body, response: ok(201, r.reply) },
        config: writers,
      },
      async (request, res) => {
        const input = create.input(request.body);
        const scope = await scopeFor(request, create.venueOf(input));
        return send(res, await create.run(ctx, input, audited(request, 'create', 201, render), scope));
      },
    );
  }
  const put = r.put;
  if (put !== undefined) {
    app.put(
      one,
      {
        schema: { tags, summary: put.summary, headers: IdempotencyHeaders, params, body: put.body, response: ok(200, r.reply) },
        config: writers,
      },
      async (request, res) => {
        const key = r.item.key(request.params);
        const input = put.input(request.body, key);
        const scope = await scopeFor(request, put.venueOf(input));
        return send(res, await put.run(ctx, input, audited(request, 'put', 200, render, key), scope));
      },
    );
  }

  const list = r.list;
  const items = ok(200, Type.Object({ items: Type.Array(r.reply) }));
  if ('query' in list) {
    app.get(
      r.path,
      { schema: { tags, summary: list.summary, querystring: list.query, response: items }, config: readers },
      async (request) => ({
        items: (await list.run(ctx.db, request.query, await scopeOf(request))).map(render),
      }),
    );
  } else {
    app.get(r.path, { schema: { tags, summary: list.summary, response: items }, config: readers }, async (request) => ({
      items: (await list.run(ctx.db, await scopeOf(request))).map(render),
    }));
  }

  app.get(one, { schema: { tags, summary: r.read.summary, params, response: ok(200, r.reply) }, config: readers }, async (request) =>
    render(await r.read.run(ctx.db, r.item.key(request.params), await scopeOf(request))),
  );

  const update = r.update;
  if (update !== undefined) {
    app.patch(
      one,
      {
        schema: { tags, summary: update.summary, headers: IdempotencyHeaders, params, body: update.body, response: ok(200, r.reply) },
        config: writers,
      },
      async (request, res) => {
        const key = r.item.key(request.params);
        const patch = update.patch(request.body);
        const scope = await scopeFor(request, update.venueOf?.(patch));
        return send(res, await update.run(ctx, key, patch, audited(request, 'update', 200, render, key), scope));
      },
    );
  }

  const remove = r.remove;
  app.delete(
    one,
    {
      schema: { tags, summary: remove.summary, headers: IdempotencyHeaders, params, response: replies({ 204: Type.Null() }) },
      config: writers,
    },
    async (request, res) => {
      const key = r.item.key(request.params);
      const scope = await scopeOf(request);
      return send(res, await remove.run(ctx, key, audited(request, 'delete', 204, none, key), scope));
    },
  );
}
