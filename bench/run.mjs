#!/usr/bin/env node
// `npm run bench [-- --full]`: runs the TypeScript runner directly (no build step), like bin/innkeeper.mjs.
import { register } from 'tsx/esm/api';

register();
await import('./run.ts');
