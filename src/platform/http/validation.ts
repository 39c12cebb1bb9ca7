/**
 * Request validation. Query strings, path parameters and headers are text, so they are coerced to
 * the declared types ("5" → 5). JSON bodies of the canonical API are not: `"quantity": true` or
 * `"party_size": "4"` is refused, not quietly turned into a number. The compatibility surfaces keep
 * the lax mode of the FastAPI/pydantic services they replace, which turns "4" into 4 for a number but
 * never a number, a boolean or null into a string: `"product_name": 123` is refused there too.
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
  readonly properties?: Record<string, SchemaNode>;
  readonly items?: SchemaNode;
}

/**
 * The first place where `data` holds a number, boolean or null and the schema a plain string, which
 * Ajv's coercion would turn into text before validating: checked before Ajv runs (it coerces in place).
 */
function uncoercedString(schema: SchemaNode, data: unknown, path: string): ErrorObject | undefined {
  if (schema.type === 'string') {
    if (typeof data === 'number' || typeof data === 'boolean' || data === null) {
      return { instancePath: path, schemaPath: '#/type', keyword: 'type', params: { type: 'string' }, message: 'must be string' };
    }
    return undefined;
  }
  if (schema.properties !== undefined && data !== null && typeof data === 'object' && !Array.isArray(data)) {
    for (const [key, child] of Object.entries(schema.properties)) {
      if (!Object.hasOwn(data, key)) continue;
      const found = uncoercedString(child, (data as Record<string, unknown>)[key], `${path}/${key}`);
      if (found !== undefined) return found;
    }
  }
  if (schema.items !== undefined && typeof schema.items === 'object' && Array.isArray(data)) {
    for (const [i, item] of data.entries()) {
      const found = uncoercedString(schema.items, item, `${path}/${i}`);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

type Validate = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart, url }) => {
  if (httpPart !== 'body') return lenient.compile(schema as object) as ReturnType<FastifySchemaCompiler<unknown>>;
  if (url.startsWith('/api/v1/')) return strict.compile(schema as object) as ReturnType<FastifySchemaCompiler<unknown>>;
  const compiled = lenient.compile(schema as object);
  const validate: Validate = (data) => {
    const refused = uncoercedString(schema as SchemaNode, data, '');
    validate.errors = refused !== undefined ? [refused] : compiled(data) ? null : (compiled.errors ?? []);
    return validate.errors === null;
  };
  return validate as ReturnType<FastifySchemaCompiler<unknown>>;
};
