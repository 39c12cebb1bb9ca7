/**
 * /api/v1/pricing administration: create, list, read, update and delete each kind of rule. Writes are
 * for `business` and `admin`; reads also for `service`. Every write takes an Idempotency-Key header.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { App } from '../../platform/http/app.js';
import { IdempotencyHeaders, replies } from '../../platform/http/schemas.js';
import {
  CodeParams,
  CreateLosDiscountBody,
  CreateOverrideBody,
  CreatePolicyBody,
  CreatePromoCodeBody,
  CreateRatePlanBody,
  CreateTaxBody,
  CreateWeekdayRuleBody,
  DiningPriceList,
  DiningPriceReply,
  IdParams,
  LosDiscountList,
  LosDiscountReply,
  OverrideList,
  OverrideReply,
  PatchLosDiscountBody,
  PatchOverrideBody,
  PatchPolicyBody,
  PatchPromoCodeBody,
  PatchRatePlanBody,
  PatchTaxBody,
  PatchWeekdayRuleBody,
  PolicyList,
  PolicyReply,
  PromoCodeList,
  PromoCodeReply,
  PutDiningPriceBody,
  RatePlanList,
  RatePlanQuery,
  RatePlanReply,
  ScopeQuery,
  TaxList,
  TaxReply,
  VenueParams,
  VenueQuery,
  WeekdayRuleList,
  WeekdayRuleReply,
  diningPriceToReply,
  feeFromBody,
  losDiscountToReply,
  overrideToReply,
  policyToReply,
  promoCodeToReply,
  ratePlanToReply,
  taxToReply,
  weekdayRuleToReply,
} from './admin.schemas.js';
import * as admin from './admin.service.js';
import { listPolicies } from './cancellation-policy.repository.js';
import { listPromoCodes } from './promo.repository.js';
import { listLosDiscounts, listOverrides, listRatePlans, listWeekdayRules } from './rules.repository.js';
import { listDiningPrices, listTaxes } from './venue-pricing.repository.js';
import type { Answer, Output, PricingContext } from './pricing.context.js';

const tags = ['pricing'];
const writers = { roles: ['business', 'admin'] as const };
const readers = { roles: ['business', 'admin', 'service'] as const };
const NoContent = replies({ 204: Type.Null() });

/** How a route wants its use-case's answer: rendered, with `status`, once per Idempotency-Key. */
export function output<T, B>(request: FastifyRequest, operation: string, status: number, render: (value: T) => B): Output<T, B> {
  const header = request.headers['idempotency-key'];
  const key = Array.isArray(header) ? header[0] : header;
  return {
    render,
    status,
    once:
      key === undefined || key === ''
        ? undefined
        : {
            // Scoped per principal and operation (auth arrives with the gateway; until then every caller is anonymous).
            scope: `anonymous:pricing.${operation}`,
            key,
            request: { method: request.method, url: request.url.split('?')[0], body: request.body ?? null },
          },
  };
}

export function send<B>(reply: FastifyReply, answer: Answer<B>): FastifyReply {
  if (answer.replayed) void reply.header('idempotent-replayed', 'true');
  return answer.status === 204 ? reply.status(204).send(null) : reply.status(answer.status).send(answer.body);
}

const none = () => null;
const nullable = <T>(v: T | null | undefined): T | null => v ?? null;

export function adminRoutes(app: App, ctx: PricingContext): void {
  // ---------------------------------------------------------------- rate plans
  app.post(
    '/api/v1/pricing/rate-plans',
    {
      schema: {
        tags,
        summary: 'Create the rate plan of a room type (its nightly base price)',
        headers: IdempotencyHeaders,
        body: CreateRatePlanBody,
        response: replies({ 201: RatePlanReply }),
      },
      config: writers,
    },
    async (request, reply) => {
      const b = request.body;
      const input = { venueId: b.venue_id, roomTypeId: b.room_type_id, name: b.name, basePrice: b.base_price, currency: b.currency };
      return send(reply, await admin.createRatePlan(ctx, input, output(request, 'rate_plan.create', 201, ratePlanToReply)));
    },
  );
  app.get(
    '/api/v1/pricing/rate-plans',
    { schema: { tags, summary: 'List rate plans', querystring: RatePlanQuery, response: replies({ 200: RatePlanList }) }, config: readers },
    async (request) => ({
      items: (await listRatePlans(ctx.db, { venueId: request.query.venue_id, roomTypeId: request.query.room_type_id })).map(
        ratePlanToReply,
      ),
    }),
  );
  app.get(
    '/api/v1/pricing/rate-plans/:id',
    { schema: { tags, summary: 'Read a rate plan', params: IdParams, response: replies({ 200: RatePlanReply }) }, config: readers },
    async (request) => ratePlanToReply(await admin.getRatePlan(ctx.db, request.params.id)),
  );
  app.patch(
    '/api/v1/pricing/rate-plans/:id',
    {
      schema: {
        tags,
        summary: 'Change a rate plan’s name, base price or currency',
        headers: IdempotencyHeaders,
        params: IdParams,
        body: PatchRatePlanBody,
        response: replies({ 200: RatePlanReply }),
      },
      config: writers,
    },
    async (request, reply) => {
      const b = request.body;
      const patch = { name: b.name, basePrice: b.base_price, currency: b.currency };
      return send(
        reply,
        await admin.patchRatePlan(
          ctx,
          request.params.id,
          patch,
          output(request, `rate_plan.update:${request.params.id}`, 200, ratePlanToReply),
        ),
      );
    },
  );
  app.delete(
    '/api/v1/pricing/rate-plans/:id',
    {
      schema: {
        tags,
        summary: 'Delete a rate plan with its own rules and policy',
        headers: IdempotencyHeaders,
        params: IdParams,
        response: NoContent,
      },
      config: writers,
    },
    async (request, reply) =>
      send(reply, await admin.removeRatePlan(ctx, request.params.id, output(request, `rate_plan.delete:${request.params.id}`, 204, none))),
  );

  // ---------------------------------------------------------------- date-range overrides
  app.post(
    '/api/v1/pricing/overrides',
    {
      schema: {
        tags,
        summary: 'Create a season or event: a nightly price or a percentage for the nights of [from, to)',
        headers: IdempotencyHeaders,
        body: CreateOverrideBody,
        response: replies({ 201: OverrideReply }),
      },
      config: writers,
    },
    async (request, reply) => {
      const b = request.body;
      const input = {
        venueId: b.venue_id,
        ratePlanId: nullable(b.rate_plan_id),
        name: b.name,
        from: b.from,
        to: b.to,
        kind: b.kind,
        nightlyPrice: nullable(b.nightly_price),
        currency: nullable(b.currency),
        adjustmentBps: nullable(b.adjustment_bps),
      };
      return send(reply, await admin.createOverride(ctx, input, output(request, 'override.create', 201, overrideToReply)));
    },
  );
  app.get(
    '/api/v1/pricing/overrides',
    {
      schema: { tags, summary: 'List date-range overrides', querystring: ScopeQuery, response: replies({ 200: OverrideList }) },
      config: readers,
    },
    async (request) => ({
      items: (await listOverrides(ctx.db, { venueId: request.query.venue_id, ratePlanId: request.query.rate_plan_id })).map(
        overrideToReply,
      ),
    }),
  );
  app.get(
    '/api/v1/pricing/overrides/:id',
    {
      schema: { tags, summary: 'Read a date-range override', params: IdParams, response: replies({ 200: OverrideReply }) },
      config: readers,
    },
    async (request) => overrideToReply(await admin.getOverride(ctx.db, request.params.id)),
  );
  app.patch(
    '/api/v1/pricing/overrides/:id',
    {
      schema: {
        tags,
        summary: 'Change a date-range override',
        headers: IdempotencyHeaders,
        params: IdParams,
        body: PatchOverrideBody,
        response: replies({ 200: OverrideReply }),
      },
      config: writers,
    },
    async (request, reply) => {
      const b = request.body;
      const patch = {
        name: b.name,
        from: b.from,
        to: b.to,
        kind: b.kind,
        nightlyPrice: b.nightly_price,
        currency: b.currency,
        adjustmentBps: b.adjustment_bps,
      };
      return send(
        reply,
        await admin.patchOverride(
          ctx,
          request.params.id,
          patch,
          output(request, `override.update:${request.params.id}`, 200, overrideToReply),
        ),
      );
    },
  );
  app.delete(
    '/api/v1/pricing/overrides/:id',
    {
      schema: { tags, summary: 'Delete a date-range override', headers: IdempotencyHeaders, params: IdParams, response: NoContent },
      config: writers,
    },
    async (request, reply) =>
      send(reply, await admin.removeOverride(ctx, request.params.id, output(request, `override.delete:${request.params.id}`, 204, none))),
  );

  // ---------------------------------------------------------------- weekday rules
  app.post(
    '/api/v1/pricing/weekday-rules',
    {
      schema: {
        tags,
        summary: 'Create a weekday rule (e.g. Fri/Sat nights +20 %)',
        headers: IdempotencyHeaders,
        body: CreateWeekdayRuleBody,
        response: replies({ 201: WeekdayRuleReply }),
      },
      config: writers,
    },
    async (request, reply) => {
      const b = request.body;
      const input = {
        venueId: b.venue_id,
        ratePlanId: nullable(b.rate_plan_id),
        name: b.name,
        weekdays: b.weekdays,
        adjustmentBps: b.adjustment_bps,
      };
      return send(reply, await admin.createWeekdayRule(ctx, input, output(request, 'weekday_rule.create', 201, weekdayRuleToReply)));
    },
  );
  app.get(
    '/api/v1/pricing/weekday-rules',
    {
      schema: { tags, summary: 'List weekday rules', querystring: ScopeQuery, response: replies({ 200: WeekdayRuleList }) },
      config: readers,
    },
    async (request) => ({
      items: (await listWeekdayRules(ctx.db, { venueId: request.query.venue_id, ratePlanId: request.query.rate_plan_id })).map(
        weekdayRuleToReply,
      ),
    }),
  );
  app.get(
    '/api/v1/pricing/weekday-rules/:id',
    { schema: { tags, summary: 'Read a weekday rule', params: IdParams, response: replies({ 200: WeekdayRuleReply }) }, config: readers },
    async (request) => weekdayRuleToReply(await admin.getWeekdayRule(ctx.db, request.params.id)),
  );
  app.patch(
    '/api/v1/pricing/weekday-rules/:id',
    {
      schema: {
        tags,
        summary: 'Change a weekday rule',
        headers: IdempotencyHeaders,
        params: IdParams,
        body: PatchWeekdayRuleBody,
        response: replies({ 200: WeekdayRuleReply }),
      },
      config: writers,
    },
    async (request, reply) => {
      const b = request.body;
      const patch = { name: b.name, weekdays: b.weekdays, adjustmentBps: b.adjustment_bps };
      return send(
        reply,
        await admin.patchWeekdayRule(
          ctx,
          request.params.id,
          patch,
          output(request, `weekday_rule.update:${request.params.id}`, 200, weekdayRuleToReply),
        ),
      );
    },
  );
  app.delete(
    '/api/v1/pricing/weekday-rules/:id',
    {
      schema: { tags, summary: 'Delete a weekday rule', headers: IdempotencyHeaders, params: IdParams, response: NoContent },
      config: writers,
    },
    async (request, reply) =>
      send(
        reply,
        await admin.removeWeekdayRule(ctx, request.params.id, output(request, `weekday_rule.delete:${request.params.id}`, 204, none)),
      ),
  );

  // ---------------------------------------------------------------- length-of-stay discounts
  app.post(
    '/api/v1/pricing/los-discounts',
    {
      schema: {
        tags,
        summary: 'Create a length-of-stay discount (e.g. 7+ nights −10 %)',
        headers: IdempotencyHeaders,
        body: CreateLosDiscountBody,
        response: replies({ 201: LosDiscountReply }),
      },
      config: writers,
    },
    async (request, reply) => {
      const b = request.body;
      const input = {
        venueId: b.venue_id,
        ratePlanId: nullable(b.rate_plan_id),
        name: b.name,
        minNights: b.min_nights,
        discountBps: b.discount_bps,
      };
      return send(reply, await admin.createLosDiscount(ctx, input, output(request, 'los_discount.create', 201, losDiscountToReply)));
    },
  );
  app.get(
    '/api/v1/pricing/los-discounts',
    {
      schema: { tags, summary: 'List length-of-stay discounts', querystring: ScopeQuery, response: replies({ 200: LosDiscountList }) },
      config: readers,
    },
    async (request) => ({
      items: (await listLosDiscounts(ctx.db, { venueId: request.query.venue_id, ratePlanId: request.query.rate_plan_id })).map(
        losDiscountToReply,
      ),
    }),
  );
  app.get(
    '/api/v1/pricing/los-discounts/:id',
    {
      schema: { tags, summary: 'Read a length-of-stay discount', params: IdParams, response: replies({ 200: LosDiscountReply }) },
      config: readers,
    },
    async (request) => losDiscountToReply(await admin.getLosDiscount(ctx.db, request.params.id)),
  );
  app.patch(
    '/api/v1/pricing/los-discounts/:id',
    {
      schema: {
        tags,
        summary: 'Change a length-of-stay discount',
        headers: IdempotencyHeaders,
        params: IdParams,
        body: PatchLosDiscountBody,
        response: replies({ 200: LosDiscountReply }),
      },
      config: writers,
    },
    async (request, reply) => {
      const b = request.body;
      const patch = { name: b.name, minNights: b.min_nights, discountBps: b.discount_bps };
      return send(
        reply,
        await admin.patchLosDiscount(
          ctx,
          request.params.id,
          patch,
          output(request, `los_discount.update:${request.params.id}`, 200, losDiscountToReply),
        ),
      );
    },
  );
  app.delete(
    '/api/v1/pricing/los-discounts/:id',
    {
      schema: { tags, summary: 'Delete a length-of-stay discount', headers: IdempotencyHeaders, params: IdParams, response: NoContent },
      config: writers,
    },
    async (request, reply) =>
      send(
        reply,
        await admin.removeLosDiscount(ctx, request.params.id, output(request, `los_discount.delete:${request.params.id}`, 204, none)),
      ),
  );

  // ---------------------------------------------------------------- promo codes
  app.post(
    '/api/v1/pricing/promo-codes',
    {
      schema: {
        tags,
        summary: 'Create a promo code (percent or fixed; validity window; max_uses; optional venue and minimum nights)',
        headers: IdempotencyHeaders,
        body: CreatePromoCodeBody,
        response: replies({ 201: PromoCodeReply }),
      },
      config: writers,
    },
    async (request, reply) => {
      const b = request.body;
      const input = {
        code: b.code,
        description: b.description ?? '',
        kind: b.kind,
        discountBps: nullable(b.discount_bps),
        amount: nullable(b.amount),
        currency: nullable(b.currency),
        validFrom: b.valid_from ? new Date(b.valid_from) : null,
        validUntil: b.valid_until ? new Date(b.valid_until) : null,
        maxUses: nullable(b.max_uses),
        venueId: nullable(b.venue_id),
        minNights: nullable(b.min_nights),
      };
      return send(reply, await admin.createPromoCode(ctx, input, output(request, 'promo_code.create', 201, promoCodeToReply)));
    },
  );
  app.get(
    '/api/v1/pricing/promo-codes',
    { schema: { tags, summary: 'List promo codes', querystring: VenueQuery, response: replies({ 200: PromoCodeList }) }, config: readers },
    async (request) => ({ items: (await listPromoCodes(ctx.db, { venueId: request.query.venue_id })).map(promoCodeToReply) }),
  );
  app.get(
    '/api/v1/pricing/promo-codes/:code',
    {
      schema: { tags, summary: 'Read a promo code and its uses', params: CodeParams, response: replies({ 200: PromoCodeReply }) },
      config: readers,
    },
    async (request) => promoCodeToReply(await admin.getPromoCode(ctx.db, request.params.code)),
  );
  app.patch(
    '/api/v1/pricing/promo-codes/:code',
    {
      schema: {
        tags,
        summary: 'Change a promo code (max_uses never below the uses taken)',
        headers: IdempotencyHeaders,
        params: CodeParams,
        body: PatchPromoCodeBody,
        response: replies({ 200: PromoCodeReply }),
      },
      config: writers,
    },
    async (request, reply) => {
      const b = request.body;
      const instant = (v: string | null | undefined) => (v === undefined ? undefined : v === null ? null : new Date(v));
      const patch = {
        description: b.description,
        kind: b.kind,
        discountBps: b.discount_bps,
        amount: b.amount,
        currency: b.currency,
        validFrom: instant(b.valid_from),
        validUntil: instant(b.valid_until),
        maxUses: b.max_uses,
        venueId: b.venue_id,
        minNights: b.min_nights,
      };
      const code = request.params.code.toUpperCase();
      return send(reply, await admin.patchPromoCode(ctx, code, patch, output(request, `promo_code.update:${code}`, 200, promoCodeToReply)));
    },
  );
  app.delete(
    '/api/v1/pricing/promo-codes/:code',
    {
      schema: {
        tags,
        summary: 'Delete a promo code that was never redeemed',
        headers: IdempotencyHeaders,
        params: CodeParams,
        response: NoContent,
      },
      config: writers,
    },
    async (request, reply) => {
      const code = request.params.code.toUpperCase();
      return send(reply, await admin.removePromoCode(ctx, code, output(request, `promo_code.delete:${code}`, 204, none)));
    },
  );

  // ---------------------------------------------------------------- taxes
  app.post(
    '/api/v1/pricing/taxes',
    {
      schema: {
        tags,
        summary: 'Add a tax line to a venue (percent inclusive or exclusive, or fixed per night, cover or booking)',
        headers: IdempotencyHeaders,
        body: CreateTaxBody,
        response: replies({ 201: TaxReply }),
      },
      config: writers,
    },
    async (request, reply) => {
      const b = request.body;
      const input = {
        venueId: b.venue_id,
        name: b.name,
        kind: b.kind,
        rateBps: nullable(b.rate_bps),
        amount: nullable(b.amount),
        currency: nullable(b.currency),
        per: nullable(b.per),
        inclusive: b.inclusive,
      };
      return send(reply, await admin.createTax(ctx, input, output(request, 'tax.create', 201, taxToReply)));
    },
  );
  app.get(
    '/api/v1/pricing/taxes',
    { schema: { tags, summary: 'List tax lines', querystring: VenueQuery, response: replies({ 200: TaxList }) }, config: readers },
    async (request) => ({ items: (await listTaxes(ctx.db, { venueId: request.query.venue_id })).map(taxToReply) }),
  );
  app.get(
    '/api/v1/pricing/taxes/:id',
    { schema: { tags, summary: 'Read a tax line', params: IdParams, response: replies({ 200: TaxReply }) }, config: readers },
    async (request) => taxToReply(await admin.getTax(ctx.db, request.params.id)),
  );
  app.patch(
    '/api/v1/pricing/taxes/:id',
    {
      schema: {
        tags,
        summary: 'Change a tax line',
        headers: IdempotencyHeaders,
        params: IdParams,
        body: PatchTaxBody,
        response: replies({ 200: TaxReply }),
      },
      config: writers,
    },
    async (request, reply) => {
      const b = request.body;
      const patch = {
        name: b.name,
        kind: b.kind,
        rateBps: b.rate_bps,
        amount: b.amount,
        currency: b.currency,
        per: b.per,
        inclusive: b.inclusive,
      };
      return send(
        reply,
        await admin.patchTax(ctx, request.params.id, patch, output(request, `tax.update:${request.params.id}`, 200, taxToReply)),
      );
    },
  );
  app.delete(
    '/api/v1/pricing/taxes/:id',
    { schema: { tags, summary: 'Delete a tax line', headers: IdempotencyHeaders, params: IdParams, response: NoContent }, config: writers },
    async (request, reply) =>
      send(reply, await admin.removeTax(ctx, request.params.id, output(request, `tax.delete:${request.params.id}`, 204, none))),
  );

  // ---------------------------------------------------------------- dining prices
  app.put(
    '/api/v1/pricing/dining-prices/:venue_id',
    {
      schema: {
        tags,
        summary: 'Set what a restaurant or cafe charges per cover: a price or a deposit',
        headers: IdempotencyHeaders,
        params: VenueParams,
        body: PutDiningPriceBody,
        response: replies({ 200: DiningPriceReply }),
      },
      config: writers,
    },
    async (request, reply) => {
      const b = request.body;
      const venueId = request.params.venue_id;
      const input = { venueId, mode: b.mode, perCover: b.per_cover, currency: b.currency };
      return send(reply, await admin.putDiningPrice(ctx, input, output(request, `dining_price.put:${venueId}`, 200, diningPriceToReply)));
    },
  );
  app.get(
    '/api/v1/pricing/dining-prices',
    { schema: { tags, summary: 'List dining prices', response: replies({ 200: DiningPriceList }) }, config: readers },
    async () => ({ items: (await listDiningPrices(ctx.db)).map(diningPriceToReply) }),
  );
  app.get(
    '/api/v1/pricing/dining-prices/:venue_id',
    {
      schema: { tags, summary: 'Read a venue’s dining price', params: VenueParams, response: replies({ 200: DiningPriceReply }) },
      config: readers,
    },
    async (request) => diningPriceToReply(await admin.getDiningPrice(ctx.db, request.params.venue_id)),
  );
  app.delete(
    '/api/v1/pricing/dining-prices/:venue_id',
    {
      schema: { tags, summary: 'Remove a venue’s dining price', headers: IdempotencyHeaders, params: VenueParams, response: NoContent },
      config: writers,
    },
    async (request, reply) => {
      const venueId = request.params.venue_id;
      return send(reply, await admin.removeDiningPrice(ctx, venueId, output(request, `dining_price.delete:${venueId}`, 204, none)));
    },
  );

  // ---------------------------------------------------------------- cancellation policies
  app.post(
    '/api/v1/pricing/cancellation-policies',
    {
      schema: {
        tags,
        summary: 'Create the cancellation policy of a venue or of one of its rate plans',
        headers: IdempotencyHeaders,
        body: CreatePolicyBody,
        response: replies({ 201: PolicyReply }),
      },
      config: writers,
    },
    async (request, reply) => {
      const b = request.body;
      const input = {
        venueId: b.venue_id,
        ratePlanId: nullable(b.rate_plan_id),
        name: b.name,
        freeUntilHours: b.free_until_hours,
        lateFee: feeFromBody(b.late_fee),
        noShowFee: feeFromBody(b.no_show_fee),
        currency: nullable(b.currency),
      };
      return send(reply, await admin.createPolicy(ctx, input, output(request, 'cancellation_policy.create', 201, policyToReply)));
    },
  );
  app.get(
    '/api/v1/pricing/cancellation-policies',
    {
      schema: { tags, summary: 'List cancellation policies', querystring: VenueQuery, response: replies({ 200: PolicyList }) },
      config: readers,
    },
    async (request) => ({ items: (await listPolicies(ctx.db, { venueId: request.query.venue_id })).map(policyToReply) }),
  );
  app.get(
    '/api/v1/pricing/cancellation-policies/:id',
    { schema: { tags, summary: 'Read a cancellation policy', params: IdParams, response: replies({ 200: PolicyReply }) }, config: readers },
    async (request) => policyToReply(await admin.getPolicy(ctx.db, request.params.id)),
  );
  app.patch(
    '/api/v1/pricing/cancellation-policies/:id',
    {
      schema: {
        tags,
        summary: 'Change a cancellation policy',
        headers: IdempotencyHeaders,
        params: IdParams,
        body: PatchPolicyBody,
        response: replies({ 200: PolicyReply }),
      },
      config: writers,
    },
    async (request, reply) => {
      const b = request.body;
      const patch = {
        name: b.name,
        freeUntilHours: b.free_until_hours,
        lateFee: b.late_fee && feeFromBody(b.late_fee),
        noShowFee: b.no_show_fee && feeFromBody(b.no_show_fee),
        currency: b.currency,
      };
      return send(
        reply,
        await admin.patchPolicy(
          ctx,
          request.params.id,
          patch,
          output(request, `cancellation_policy.update:${request.params.id}`, 200, policyToReply),
        ),
      );
    },
  );
  app.delete(
    '/api/v1/pricing/cancellation-policies/:id',
    {
      schema: { tags, summary: 'Delete a cancellation policy', headers: IdempotencyHeaders, params: IdParams, response: NoContent },
      config: writers,
    },
    async (request, reply) =>
      send(
        reply,
        await admin.removePolicy(ctx, request.params.id, output(request, `cancellation_policy.delete:${request.params.id}`, 204, none)),
      ),
  );
}
