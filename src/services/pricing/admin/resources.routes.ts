/**
 * /api/v1/pricing administration: each kind of rule, registered by the route factory (crud.routes.ts)
 * from its descriptor, in the order of the OpenAPI document.
 */
import type { App } from '../../../platform/http/app.js';
import type { PricingContext } from '../pricing.context.js';
import { cancellationPolicies } from './cancellation-policy.routes.js';
import { crudRoutes } from './crud.routes.js';
import { diningPrices } from './dining-price.routes.js';
import { losDiscounts } from './los-discount.routes.js';
import { overrides } from './override.routes.js';
import { promoCodes } from './promo-code.routes.js';
import { ratePlans } from './rate-plan.routes.js';
import { taxes } from './tax.routes.js';
import { weekdayRules } from './weekday-rule.routes.js';

export function adminRoutes(app: App, ctx: PricingContext): void {
  crudRoutes(app, ctx, ratePlans);
  crudRoutes(app, ctx, overrides);
  crudRoutes(app, ctx, weekdayRules);
  crudRoutes(app, ctx, losDiscounts);
  crudRoutes(app, ctx, promoCodes);
  crudRoutes(app, ctx, taxes);
  crudRoutes(app, ctx, diningPrices);
  crudRoutes(app, ctx, cancellationPolicies);
}
