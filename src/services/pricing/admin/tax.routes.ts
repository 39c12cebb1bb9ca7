/** /api/v1/pricing/taxes: a venue's tax lines. */
import { VenueQuery } from '../admin.schemas.js';
import { listTaxes } from '../venue-pricing.repository.js';
import { ADMIN_ROLES, byId, crudResource, orNull, type EveryField } from './crud.routes.js';
import { CreateTaxBody, PatchTaxBody, TaxReply, taxToReply } from './tax.schemas.js';
import { createTax, getTax, patchTax, removeTax, type TaxPatch } from './tax.service.js';

export const taxes = crudResource({
  path: '/api/v1/pricing/taxes',
  operation: 'tax',
  item: byId,
  roles: ADMIN_ROLES,
  reply: TaxReply,
  toReply: taxToReply,
  create: {
    summary: 'Add a tax line to a venue (percent inclusive or exclusive, or fixed per night, cover or booking)',
    body: CreateTaxBody,
    input: (b) => ({
      venueId: b.venue_id,
      name: b.name,
      kind: b.kind,
      rateBps: orNull(b.rate_bps),
      amount: orNull(b.amount),
      currency: orNull(b.currency),
      per: orNull(b.per),
      inclusive: b.inclusive,
    }),
    venueOf: (i) => i.venueId,
    run: createTax,
  },
  list: { summary: 'List tax lines', query: VenueQuery, run: (db, q, scope) => listTaxes(db, { venueId: q.venue_id }, scope) },
  read: { summary: 'Read a tax line', run: getTax },
  update: {
    summary: 'Change a tax line',
    body: PatchTaxBody,
    patch: (b): EveryField<TaxPatch> => ({
      name: b.name,
      kind: b.kind,
      rateBps: b.rate_bps,
      amount: b.amount,
      currency: b.currency,
      per: b.per,
      inclusive: b.inclusive,
    }),
    run: patchTax,
  },
  remove: { summary: 'Delete a tax line', run: removeTax },
});
