import type { Dataset } from './dataset.js';
import { demoDataset } from './demo.js';

/** Data sets by name, for `innkeeper seed --dataset NAME` and `npm start` (demo). */
export const DATASETS: Readonly<Record<string, Dataset>> = {
  [demoDataset.name]: demoDataset,
};

export function datasetNames(): string[] {
  return Object.keys(DATASETS).sort();
}
