/** HTTP helpers of the pricing tests: JSON in, status and JSON out, through app.inject. */
import { sql } from 'kysely';
import type { TestContext } from '../../helpers/context.js';

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface Reply {
  readonly status: number;
  readonly body: Json;
  readonly headers: Record<string, unknown>;
}

export function client(ctx: () => TestContext) {
  const call = async (
    method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
    url: string,
    payload?: unknown,
    headers?: Record<string, string>,
  ): Promise<Reply> => {
    const res = await ctx().app.inject({
      method,
      url,
      ...(payload !== undefined ? { payload: payload as Json } : {}),
      ...(headers ? { headers } : {}),
    });
    return { status: res.statusCode, body: res.body === '' ? {} : res.json<Json>(), headers: res.headers };
  };
  /** POST that must succeed with `status`; returns the body. */
  const create = async (url: string, payload: unknown, status = 201): Promise<Json> => {
    const r = await call('POST', url, payload);
    if (r.status !== status) throw new Error(`POST ${url} answered ${r.status}: ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const quote = (payload: Json) => call('POST', '/api/v1/pricing/quote', payload);
  return { call, create, quote };
}

/** Row counts of every pricing table, to check that a refused request changed nothing. */
export async function pricingCounts(ctx: TestContext): Promise<Record<string, number>> {
  const { rows } = await sql<Record<string, number>>`
    select
      (select count(*)::int from pricing.rate_plan) as rate_plans,
      (select count(*)::int from pricing.rate_override) as overrides,
      (select count(*)::int from pricing.weekday_rule) as weekday_rules,
      (select count(*)::int from pricing.los_discount) as los_discounts,
      (select count(*)::int from pricing.promo_code) as promo_codes,
      (select coalesce(sum(uses), 0)::int from pricing.promo_code) as promo_uses,
      (select count(*)::int from pricing.promo_redemption) as redemptions,
      (select count(*)::int from pricing.tax) as taxes,
      (select count(*)::int from pricing.dining_price) as dining_prices,
      (select count(*)::int from pricing.cancellation_policy) as policies`.execute(ctx.database.db);
  return rows[0]!;
}
