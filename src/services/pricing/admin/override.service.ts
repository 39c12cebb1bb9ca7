/** Date-range overrides (seasons, events): a nightly price or a percentage for the nights of [from, to); ranges of one scope never overlap. */
import { randomUUID } from 'node:crypto';
import { isCalendarDate } from '../../../platform/dates.js';
import { invalid, merge, planGone, requireScope, type Fields } from '../admin.service.js';
import type { VenueScope } from '../pricing.access.js';
import { mapSqlErrors, runUseCase, type Answer, type Output, type PricingContext } from '../pricing.context.js';
import { pricingError } from '../pricing.errors.js';
import type { RateOverride, RatePlan } from '../pricing.model.js';
import type { PricingExecutor, PricingTrx } from '../pricing.tables.js';
import { deleteOverride, findOverlappingOverride, findOverride, insertOverride, updateOverride } from '../rules.repository.js';

export type OverrideInput = Fields<RateOverride>;
/** An override stays in its scope. */
export type OverridePatch = Partial<Omit<OverrideInput, 'venueId' | 'ratePlanId'>>;

const notFound = (id: string) => pricingError('RATE_OVERRIDE_NOT_FOUND', `Override ${id} does not exist.`, { override_id: id });

function checkOverride(o: OverrideInput, plan: RatePlan | undefined): void {
  for (const [field, date] of [
    ['from', o.from],
    ['to', o.to],
  ] as const) {
    if (!isCalendarDate(date)) throw invalid(`${field} must be a real calendar date (YYYY-MM-DD).`, { [field]: date });
  }
  if (o.from >= o.to) throw invalid('from must be before to: the override covers the nights of [from, to).', { from: o.from, to: o.to });
  if (o.kind === 'price') {
    if (o.nightlyPrice === null || o.currency === null) throw invalid('A price override needs nightly_price and currency.');
    if (o.adjustmentBps !== null) throw invalid('A price override has no adjustment_bps.');
    if (plan !== undefined && plan.currency !== o.currency) {
      throw pricingError('PRICING_CURRENCY_MISMATCH', `Rate plan ${plan.id} is priced in ${plan.currency}, not ${o.currency}.`, {
        expected: plan.currency,
        got: o.currency,
      });
    }
  } else {
    if (o.adjustmentBps === null) throw invalid('A percent override needs adjustment_bps.');
    if (o.nightlyPrice !== null || o.currency !== null) throw invalid('A percent override has no nightly_price or currency.');
  }
}

async function saveOverride(
  trx: PricingTrx,
  o: OverrideInput,
  exceptId: string | undefined,
  write: () => Promise<RateOverride | undefined>,
  scope: VenueScope,
) {
  const plan = await requireScope(trx, o.venueId, o.ratePlanId, scope);
  checkOverride(o, plan);
  const overlap = await findOverlappingOverride(trx, {
    venueId: o.venueId,
    ratePlanId: o.ratePlanId,
    from: o.from,
    to: o.to,
    ...(exceptId ? { exceptId } : {}),
  });
  const overlaps = (other?: RateOverride) =>
    pricingError(
      'RATE_OVERRIDE_OVERLAPS',
      `Another override of this ${o.ratePlanId === null ? 'venue' : 'rate plan'} covers some of the nights of [${o.from}, ${o.to}).`,
      {
        ...(other ? { override_id: other.id, from: other.from, to: other.to } : {}),
      },
    );
  if (overlap !== undefined) throw overlaps(overlap);
  return mapSqlErrors(write, { '23P01': () => overlaps(), '23503': planGone(o.ratePlanId) });
}

function overrideRow(o: OverrideInput) {
  return {
    name: o.name,
    starts_on: o.from,
    ends_on: o.to,
    kind: o.kind,
    nightly_price: o.nightlyPrice,
    currency: o.currency,
    adjustment_bps: o.adjustmentBps,
  };
}

export function createOverride<B>(
  ctx: PricingContext,
  input: OverrideInput,
  out: Output<RateOverride, B>,
  scope: VenueScope,
): Promise<Answer<B>> {
  return runUseCase(ctx, out, async (trx, now) => {
    const saved = await saveOverride(
      trx,
      input,
      undefined,
      () =>
        insertOverride(trx, {
          id: randomUUID(),
          venue_id: input.venueId,
          rate_plan_id: input.ratePlanId,
          ...overrideRow(input),
          created_at: now,
          updated_at: now,
        }),
      scope,
    );
    return saved!;
  });
}

export async function getOverride(db: PricingExecutor, id: string, scope: VenueScope): Promise<RateOverride> {
  const o = await findOverride(db, id, false, scope);
  if (o === undefined) throw notFound(id);
  return o;
}

export function patchOverride<B>(
  ctx: PricingContext,
  id: string,
  patch: OverridePatch,
  out: Output<RateOverride, B>,
  scope: VenueScope,
): Promise<Answer<B>> {
  return runUseCase(ctx, out, async (trx, now) => {
    const current = await findOverride(trx, id, true, scope);
    if (current === undefined) throw notFound(id);
    const switched = patch.kind !== undefined && patch.kind !== current.kind;
    const base: OverrideInput = switched ? { ...current, nightlyPrice: null, currency: null, adjustmentBps: null } : current;
    const next = merge<OverrideInput>(base, patch);
    const saved = await saveOverride(trx, next, id, () => updateOverride(trx, id, { ...overrideRow(next), updated_at: now }), scope);
    return saved!;
  });
}

export function removeOverride<B>(ctx: PricingContext, id: string, out: Output<void, B>, scope: VenueScope): Promise<Answer<B>> {
  return runUseCase(ctx, out, async (trx) => {
    if (!(await deleteOverride(trx, id, scope))) throw notFound(id);
  });
}
