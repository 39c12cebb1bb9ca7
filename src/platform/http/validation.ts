/**
 * Request validation. Query strings, path parameters and headers are text, so they are coerced to
 * the declared types ("5" → 5). JSON bodies of the canonical API are not: `"quantity": true` or
 * `"party_size": "4"` is refused, not quietly turned into a number. The compatibility surfaces keep
 * the lenient coercion of the FastAPI/pydantic services they replace.
 */
import { Ajv, type Options } from 'ajv';
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

export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart, url }) => {
  const ajv = httpPart === 'body' && url.startsWith('/api/v1/') ? strict : lenient;
  return ajv.compile(schema as object) as ReturnType<FastifySchemaCompiler<unknown>>;
};
