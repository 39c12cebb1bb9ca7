import type { ServiceName } from '../platform/config.js';
import type { ServiceModule } from '../platform/http/app.js';
import { bookingService } from './booking/booking.service-module.js';
import { inventoryService } from './inventory/inventory.service-module.js';
import { paymentService } from './payment/payment.service-module.js';
import { pricingService } from './pricing/pricing.service-module.js';

/** Every service this codebase can run, by the name `--services` uses. */
export const SERVICES: Readonly<Record<ServiceName, ServiceModule>> = {
  inventory: inventoryService,
  booking: bookingService,
  pricing: pricingService,
  payment: paymentService,
};

export function serviceModules(names: readonly ServiceName[]): ServiceModule[] {
  return names.map((name) => SERVICES[name]);
}
