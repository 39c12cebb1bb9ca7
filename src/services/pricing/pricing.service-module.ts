import type { ServiceModule } from '../../platform/http/app.js';

export const pricingService: ServiceModule = {
  name: 'pricing',
  title: 'Pricing',
  migrations: { schema: 'pricing', migrations: {} },
  register: async () => undefined,
};
