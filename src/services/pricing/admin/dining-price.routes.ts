/** /api/v1/pricing/dining-prices/:venue_id: set or replaced whole with PUT (there is no POST or PATCH). */
import { listDiningPrices } from '../venue-pricing.repository.js';
import { ADMIN_ROLES, byVenue, crudResource } from './crud.routes.js';
import { DiningPriceReply, PutDiningPriceBody, diningPriceToReply } from './dining-price.schemas.js';
import { getDiningPrice, putDiningPrice, removeDiningPrice } from './dining-price.service.js';

export const diningPrices = crudResource({
  path: '/api/v1/pricing/dining-prices',
  operation: 'dining_price',
  item: byVenue,
  roles: ADMIN_ROLES,
  reply: DiningPriceReply,
  toReply: diningPriceToReply,
  put: {
    summary: 'Set what a restaurant or cafe charges per cover: a price or a deposit',
    body: PutDiningPriceBody,
    input: (b, venueId) => ({ venueId, mode: b.mode, perCover: b.per_cover, currency: b.currency }),
    venueOf: (i) => i.venueId,
    run: putDiningPrice,
  },
  list: { summary: 'List dining prices', run: listDiningPrices },
  read: { summary: 'Read a venue’s dining price', run: getDiningPrice },
  remove: { summary: 'Remove a venue’s dining price', run: removeDiningPrice },
});
