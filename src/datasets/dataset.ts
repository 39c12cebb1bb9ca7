import type { ServiceDeps } from '../platform/http/app.js';

/** A named data set `innkeeper seed --dataset NAME` can load. */
export interface Dataset {
  readonly name: string;
  readonly description: string;
  load(deps: ServiceDeps): Promise<void>;
}
