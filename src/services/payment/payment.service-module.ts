import type { ServiceModule } from '../../platform/http/app.js';

export const paymentService: ServiceModule = {
  name: 'payment',
  title: 'Payment',
  migrations: { schema: 'payment', migrations: {} },
  register: async () => undefined,
};
