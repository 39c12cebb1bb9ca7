import type { Config, ServiceName } from '../platform/config.js';
import type { ServiceModule } from '../platform/http/app.js';
import { bookingService } from './booking/booking.service-module.js';
import { createGatewayService, DEFAULT_GATEWAY_UPSTREAM_TIMEOUT_MS, gatewayService } from './gateway/gateway.service-module.js';
import { inventoryService } from './inventory/inventory.service-module.js';
import { paymentService } from './payment/payment.service-module.js';
import { pricingService } from './pricing/pricing.service-module.js';
import { webhooksService } from './webhooks/webhooks.service-module.js';

/** Every service this codebase can run, by the name `--services` uses. */
export const SERVICES: Readonly<Record<ServiceName, ServiceModule>> = {
  inventory: inventoryService,
  booking: bookingService,
  pricing: pricingService,
  payment: paymentService,
  webhooks: webhooksService,
  gateway: gatewayService,
};

/**
 * The modules of the services `names` lists. The gateway is built for this process: it forwards the
 * paths of the services not among `names` to their URLs (`config.serviceUrlLists`).
 */
export function serviceModules(
  names: readonly ServiceName[],
  config?: Pick<Config, 'serviceUrlLists' | 'gatewayUpstreamTimeoutMs'>,
): ServiceModule[] {
  return names.map((name) =>
    name === 'gateway'
      ? createGatewayService({
          localServices: names,
          upstreams: config?.serviceUrlLists ?? {},
          upstreamTimeoutMs: config?.gatewayUpstreamTimeoutMs ?? DEFAULT_GATEWAY_UPSTREAM_TIMEOUT_MS,
        })
      : SERVICES[name],
  );
}
