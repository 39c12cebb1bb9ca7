import { loadDiningDemo } from '../services/inventory/dining/dining.demo.js';
import { loadLodgingDemo } from '../services/inventory/lodging/lodging.demo.js';
import { loadRetailDemo } from '../services/inventory/retail/retail.demo.js';
import type { AuthDB } from '../platform/auth/auth.tables.js';
import { loadDemoIdentities } from '../platform/auth/demo-identities.js';
import type { Dataset } from './dataset.js';

/** What a first `npm start` shows: a living hotel group, restaurants, a cafe and a shop, dated from today. */
export const demoDataset: Dataset = {
  name: 'demo',
  description:
    'Seven hotels with four room types each, two restaurants, a cafe and a shop, with some reservations, and three staff logins (password innkeeper-demo)',
  load: async (deps) => {
    await loadLodgingDemo(deps);
    await loadDiningDemo(deps);
    await loadRetailDemo(deps);
    await loadDemoIdentities(deps.database.db as AuthDB, deps.clock);
  },
};
