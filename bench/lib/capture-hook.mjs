// `node --import bench/lib/capture-hook.mjs …`: loads the statement-capture hook (TypeScript) into a
// platform process started for capturing, before the platform's own code.
import { tsImport } from 'tsx/esm/api';

await tsImport('./capture-hook.ts', import.meta.url);
