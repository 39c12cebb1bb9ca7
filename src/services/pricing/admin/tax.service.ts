/** Tax lines of a venue: percent (inside the prices or added) or a fixed amount per night, cover or booking; kept in their order. */
import { randomUUID } from 'node:crypto';
import { invalid, merge, type Fields } from '../admin.service.js';
import type { VenueScope } from '../pricing.access.js';
import { runUseCase, type Answer, type Output, type PricingContext } from '../pricing.context.js';
import { pricingError } from '../pricing.errors.js';
import type { Tax } from '../pricing.model.js';
import type { PricingExecutor } from '../pricing.tables.js';
import { deleteTax, findTax, insertTax, updateTax } from '../venue-pricing.repository.js';

export type TaxInput = Fields<Tax>;
/** A tax line stays with its venue. */
export type TaxPatch = Partial<Omit<TaxInput, 'venueId'>>;

const notFound = (id: string) => pricingError('TAX_NOT_FOUND', `Tax line ${id} does not exist.`, { tax_id: id });

function checkTax(t: TaxInput): void {
  if (t.kind === 'percent') {
    if (t.rateBps === null) throw invalid('A percent tax needs rate_bps.');
    if (t.amount !== null || t.currency !== null || t.per !== null) throw invalid('A percent tax has no amount, currency or per.');
  } else {
    if (t.amount === null || t.currency === null || t.per === null)
      throw invalid('A fixed tax needs amount, currency and per (night, cover or booking).');
    if (t.rateBps !== null) throw invalid('A fixed tax has no rate_bps.');
    if (t.inclusive) throw invalid('A fixed tax is added on top of the prices: inclusive must be false.');
  }
}

function taxRow(t: TaxInput) {
  return { name: t.name, kind: t.kind, rate_bps: t.rateBps, amount: t.amount, currency: t.currency, per: t.per, inclusive: t.inclusive };
}

export function createTax<B>(ctx: PricingContext, input: TaxInput, out: Output<Tax, B>, _scope: VenueScope): Promise<Answer<B>> {
  return runUseCase(ctx, out, async (trx, now) => {
    checkTax(input);
    return insertTax(trx, { id: randomUUID(), venue_id: input.venueId, ...taxRow(input), created_at: now, updated_at: now });
  });
}

export async function getTax(db: PricingExecutor, id: string, scope: VenueScope): Promise<Tax> {
  const t = await findTax(db, id, false, scope);
  if (t === undefined) throw notFound(id);
  return t;
}

export function patchTax<B>(ctx: PricingContext, id: string, patch: TaxPatch, out: Output<Tax, B>, scope: VenueScope): Promise<Answer<B>> {
  return runUseCase(ctx, out, async (trx, now) => {
    const current = await findTax(trx, id, true, scope);
    if (current === undefined) throw notFound(id);
    const switched = patch.kind !== undefined && patch.kind !== current.kind;
    const base: TaxInput = switched ? { ...current, rateBps: null, amount: null, currency: null, per: null } : current;
    const next = merge<TaxInput>(base, patch);
    checkTax(next);
    return (await updateTax(trx, id, { ...taxRow(next), updated_at: now }))!;
  });
}

export function removeTax<B>(ctx: PricingContext, id: string, out: Output<void, B>, scope: VenueScope): Promise<Answer<B>> {
  return runUseCase(ctx, out, async (trx) => {
    if (!(await deleteTax(trx, id, scope))) throw notFound(id);
  });
}
