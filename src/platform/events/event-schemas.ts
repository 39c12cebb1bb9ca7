/**
 * The JSON Schemas (draft 2020-12) of every event the services publish, one file per event type and
 * version in docs/events (`<event_type>.v<major>.json`, each validating the whole envelope). Read once,
 * when the module loads, from the repository's docs/events (the image copies it too).
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

export const EVENT_SCHEMAS_DIR = fileURLToPath(new URL('../../../docs/events/', import.meta.url));

export interface EventSchema {
  readonly event_type: string;
  /** The schema's major version, as in the file name (`v1`); the envelope's `version` is its const. */
  readonly version: string;
  readonly schema: Record<string, unknown>;
}

const FILE = /^([a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+)\.(v\d+)\.json$/;

export function loadEventSchemas(dir: string = EVENT_SCHEMAS_DIR): EventSchema[] {
  const schemas: EventSchema[] = [];
  for (const name of fs.readdirSync(dir).sort()) {
    const m = FILE.exec(name);
    if (m === null) continue;
    const schema = JSON.parse(fs.readFileSync(`${dir}${name}`, 'utf8')) as Record<string, unknown>;
    const declared = (schema.properties as { event_type?: { const?: unknown } } | undefined)?.event_type?.const;
    if (declared !== m[1]) throw new Error(`${dir}${name} describes event_type ${String(declared)}, not ${m[1]}`);
    schemas.push({ event_type: m[1]!, version: m[2]!, schema });
  }
  return schemas;
}

let loaded: readonly EventSchema[] | undefined;

/** Every event schema, read on first use (at start-up: the routes ask when they are registered). */
export function eventSchemas(): readonly EventSchema[] {
  loaded ??= loadEventSchemas();
  return loaded;
}
