import type { Dataset } from './dataset.js';

/** Data sets by name. Each service's issue adds its part (rooms-2025, demo). */
export const DATASETS: Readonly<Record<string, Dataset>> = {};

export function datasetNames(): string[] {
  return Object.keys(DATASETS).sort();
}
