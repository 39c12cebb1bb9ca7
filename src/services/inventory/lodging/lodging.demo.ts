import type { ServiceDeps } from '../../../platform/http/app.js';

/** The lodging part of the demo data set. */
export async function loadLodgingDemo(_deps: ServiceDeps): Promise<void> {
  // filled in by the lodging work
}
