import type { ServiceDeps } from '../../../platform/http/app.js';

/** The dining part of the demo data set. */
export async function loadDiningDemo(_deps: ServiceDeps): Promise<void> {
  // filled in by the dining work
}
