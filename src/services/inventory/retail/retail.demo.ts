import type { ServiceDeps } from '../../../platform/http/app.js';

/** The retail part of the demo data set. */
export async function loadRetailDemo(_deps: ServiceDeps): Promise<void> {
  // filled in by the retail work
}
