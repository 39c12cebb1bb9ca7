import type { Dataset } from './dataset.js';
import { demoDataset } from './demo.js';
import { rooms2025Dataset } from './rooms-2025.js';

/** Data sets by name, for `innkeeper seed --dataset NAME` and `npm start` (demo). */
export const DATASETS: Readonly<Record<string, Dataset>> = {
  [demoDataset.name]: demoDataset,
  [rooms2025Dataset.name]: rooms2025Dataset,
};

export function datasetNames(): string[] {
  return Object.keys(DATASETS).sort();
}
