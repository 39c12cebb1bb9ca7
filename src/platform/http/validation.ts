/**
 * Request validation. Query strings, path parameters and headers are text, so they are coerced to
 * the declared types ("5" → 5). JSON bodies of the canonical API are not: `"quantity": true` or
 * `"party_size": "4"` is refused, not quietly turned into a number. The compatibility surfaces keep
 * the lax mode of the FastAPI/pydantic services they replace, which turns "4" into 4 for a number but
 * never a number, a boolean or null into a string, nor null into a number or boolean: `"product_name": 123`
 * is refused there too (Ajv's coercion would take all of these).
 */
import { Ajv, type ErrorObject, type Options } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

// ajv-formats ships CommonJS with a default export property.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

const common: Options = { useDefaults: true, removeAdditional: false, allErrors: false, addUsedSchema: false, strict: false };

function build(coerceTypes: Options['coerceTypes']): Ajv {
  return addFormats(new Ajv({ ...common, coerceTypes }));
}

const lenient = build('array');
const strict = build(false);

interface SchemaNode {
  readonly type?: unknown;
  readonly nullable?: boolean;
  readonly properties?: Record<string, SchemaNode>;
  readonly items?: SchemaNode;
}

const SCALARS = new Set(['string', 'integer', 'number', 'boolean']);

/**
 * The first place where Ajv's coercion would take what pydantic's lax mode refuses: a number, boolean
 * or null where the schema has a plain string, or null where it has a number or boolean. Checked before
 * Ajv runs (it coerces in place).
 */
function laxRefusal(schema: SchemaNode, data: unknown, path: string): ErrorObject | undefined {
  if (typeof schema.type === 'string' && SCALARS.has(schema.type)) {
    const refused =
      (data === null && schema.nullable !== true) || (schema.type === 'string' && (typeof data === 'number' || typeof data === 'boolean'));
    if (!refused) return undefined;
    return { instancePath: path, schemaPath: '#/type', keyword: 'type', params: { type: schema.type }, message: `must be ${schema.type}` };
  }
  if (schema.properties !== undefined && data !== null && typeof data === 'object' && !Array.isArray(data)) {
    for (const [key, child] of Object.entries(schema.properties)) {
      if (!Object.hasOwn(data, key)) continue;
      const found = laxRefusal(child, (data as Record<string, unknown>)[key], `${path}/${key}`);
      if (found !== undefined) return found;
    }
  }
  if (schema.items !== undefined && typeof schema.items === 'object' && Array.isArray(data)) {
    for (const [i, item] of data.entries()) {
      const found = laxRefusal(schema.items, item, `${path}/${i}`);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

type Validate = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

/**
 * Where validated data holds a number that is not finite: JSON's `1e309` parses to Infinity and a
 * query's "1e309" coerces to it, and Ajv's `integer` takes Infinity (`Infinity % 1` is NaN), so a
 * field without a maximum let it through to SQL. Refused on every surface and part of the request.
 */
function infinite(data: unknown, path: string): ErrorObject | undefined {
  if (typeof data === 'number') {
    return Number.isFinite(data)
      ? undefined
      : { instancePath: path, schemaPath: '#/type', keyword: 'type', params: {}, message: 'must be a finite number' };
  }
  if (data === null || typeof data !== 'object') return undefined;
  for (const [key, value] of Object.entries(data)) {
    const found = infinite(value, `${path}/${key}`);
    if (found !== undefined) return found;
  }
  return undefined;
}

function validator(check: (data: unknown) => ErrorObject[] | null): Validate {
  const validate: Validate = (data) => {
    validate.errors = check(data);
    return validate.errors === null;
  };
  return validate;
}

export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart, url }) => {
  const lax = httpPart !== 'body' || !url.startsWith('/api/v1/');
  const compiled = (lax ? lenient : strict).compile(schema as object);
  // Bodies are at most MAX_BODY_DEPTH deep by now (hostile-input.ts), so the walks below are bounded.
  const validate = validator((data) => {
    const refused = httpPart === 'body' && lax ? laxRefusal(schema as SchemaNode, data, '') : undefined;
    if (refused !== undefined) return [refused];
    if (!compiled(data)) return compiled.errors ?? [];
    const nonFinite = infinite(data, '');
    return nonFinite === undefined ? null : [nonFinite];
  });
  return validate as ReturnType<FastifySchemaCompiler<unknown>>;
};
