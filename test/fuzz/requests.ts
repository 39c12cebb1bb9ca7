/**
 * Requests invalid by construction, derived from an OpenAPI operation: everything the operation
 * declares gets a plausible value (valid ids from the database where a path names one), then exactly
 * one defect is planted — a required field missing, a declared field of the wrong type, hostile text
 * (NUL, a lone surrogate, bytes that are not UTF-8) in the path, query, a header or the body, a number
 * out of range, a huge string or body, a body nested thousands deep, JSON that is not an object, a
 * wrong content type, a query key given twice, a prototype key, an impossible date. Whatever else the
 * request holds, that defect alone must make the answer a 4xx.
 */
import fc from 'fast-check';

export interface JsonSchema {
  readonly type?: string | readonly string[];
  readonly properties?: Record<string, JsonSchema>;
  readonly required?: readonly string[];
  readonly items?: JsonSchema;
  readonly anyOf?: readonly JsonSchema[];
  readonly oneOf?: readonly JsonSchema[];
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly format?: string;
  readonly pattern?: string;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly default?: unknown;
  readonly nullable?: boolean;
  readonly $ref?: string;
}

export interface Parameter {
  readonly in: 'path' | 'query' | 'header';
  readonly name: string;
  readonly required?: boolean;
  readonly schema: JsonSchema;
}

export interface Operation {
  readonly method: string;
  readonly path: string;
  readonly parameters: readonly Parameter[];
  readonly body: JsonSchema | undefined;
  readonly bodyRequired: boolean;
}

export interface FuzzRequest {
  readonly kind: string;
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly payload: string | Buffer | undefined;
}

type OpenApi = {
  paths: Record<
    string,
    Record<string, { parameters?: Parameter[]; requestBody?: { required?: boolean; content?: Record<string, { schema: JsonSchema }> } }>
  >;
  components?: { schemas?: Record<string, JsonSchema> };
};

/** Every operation of the document, with `$ref`s resolved (the documentation UI's own routes left out). */
export function operationsOf(document: unknown): Operation[] {
  const doc = document as OpenApi;
  const deref = (schema: JsonSchema): JsonSchema => {
    if (schema.$ref !== undefined) return deref(doc.components?.schemas?.[schema.$ref.split('/').pop()!] ?? {});
    const out: Record<string, unknown> = { ...schema };
    if (schema.properties) out.properties = Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, deref(v)]));
    if (schema.items) out.items = deref(schema.items);
    if (schema.anyOf) out.anyOf = schema.anyOf.map(deref);
    if (schema.oneOf) out.oneOf = schema.oneOf.map(deref);
    return out;
  };
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    if (path.startsWith('/docs')) continue;
    for (const [method, op] of Object.entries(methods)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const json = op.requestBody?.content?.['application/json']?.schema;
      ops.push({
        method: method.toUpperCase(),
        path,
        parameters: (op.parameters ?? []).map((p) => ({ ...p, schema: deref(p.schema) })),
        body: json === undefined ? undefined : deref(json),
        bodyRequired: op.requestBody?.required === true,
      });
    }
  }
  return ops;
}

const typeOf = (s: JsonSchema): string | undefined => {
  if (typeof s.type === 'string') return s.type;
  if (Array.isArray(s.type)) return (s.type as readonly string[]).find((t) => t !== 'null');
  const branch = (s.anyOf ?? s.oneOf)?.find((b) => b.type !== 'null');
  return branch === undefined ? undefined : typeOf(branch);
};

/** A value the schema most likely accepts (a plausible request around the one defect). */
export function valueOf(schema: JsonSchema): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum !== undefined && schema.enum.length > 0) return fc.constantFrom(...schema.enum);
  const branches = (schema.anyOf ?? schema.oneOf)?.filter((b) => b.type !== 'null');
  if (branches !== undefined && branches.length > 0) return fc.oneof(...branches.map(valueOf));
  switch (typeOf(schema)) {
    case 'string':
      return stringOf(schema);
    case 'integer': {
      const min = Math.max(schema.minimum ?? -1000, schema.exclusiveMinimum === undefined ? -Infinity : schema.exclusiveMinimum + 1);
      const max = Math.min(schema.maximum ?? 100_000, min + 100_000);
      return fc.integer({ min: Math.ceil(min), max: Math.max(Math.ceil(min), Math.floor(max)) });
    }
    case 'number': {
      const min = schema.minimum ?? schema.exclusiveMinimum ?? -1000;
      return fc.double({ min, max: Math.min(schema.maximum ?? min + 100_000, min + 100_000), noNaN: true, noDefaultInfinity: true });
    }
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(schema.items === undefined ? fc.string() : valueOf(schema.items), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.min(schema.maxItems ?? 3, (schema.minItems ?? 0) + 3),
      });
    case 'object':
      return objectOf(schema);
    default:
      return fc.oneof(fc.string(), fc.integer());
  }
}

function stringOf(schema: JsonSchema): fc.Arbitrary<string> {
  switch (schema.format) {
    case 'date':
      return fc
        .date({ min: new Date('2026-01-01'), max: new Date('2027-12-31'), noInvalidDate: true })
        .map((d) => d.toISOString().slice(0, 10));
    case 'date-time':
      return fc.date({ min: new Date('2026-01-01'), max: new Date('2027-12-31'), noInvalidDate: true }).map((d) => d.toISOString());
    case 'email':
      return fc.emailAddress();
    case 'uuid':
      return fc.uuid();
    default:
      break;
  }
  const min = schema.minLength ?? 0;
  const max = Math.min(schema.maxLength ?? 40, min + 40);
  if (schema.pattern !== undefined) {
    return fc.stringMatching(new RegExp(schema.pattern)).filter((s) => s.length >= min && s.length <= (schema.maxLength ?? Infinity));
  }
  return fc.string({ minLength: min, maxLength: max });
}

function objectOf(schema: JsonSchema): fc.Arbitrary<Record<string, unknown>> {
  const properties = schema.properties ?? {};
  const required = new Set(schema.required ?? []);
  const record: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [key, child] of Object.entries(properties)) record[key] = valueOf(child);
  return fc.record(record, { requiredKeys: Object.keys(properties).filter((k) => required.has(k)) });
}

// --- defects -----------------------------------------------------------------------------------

/** Raw JSON text stands in for a marker string after serialisation (1e309, or bytes that are not UTF-8). */
const RAW = (i: number) => `@@RAW${i}@@`;
type Raw = string | Buffer;

const HOSTILE_TEXT: readonly { readonly text: string; readonly percent: string }[] = [
  { text: 'a\u0000b', percent: 'a%00b' },
  { text: '\u0000', percent: '%00' },
  { text: 'x\ud800y', percent: 'x%ED%A0%80y' },
  { text: '\udc00', percent: '%ED%B0%80' },
];
const BAD_PERCENT = ['%ff', 'a%C3%28', '%E2%82', '%', '%zz', '%c0%80'];
const IMPOSSIBLE_DATES = ['2025-02-30', '2025-02-29', '2025-04-31', '2025-13-01', '2025-00-10', '2026-06-00', '20250101'];
const IMPOSSIBLE_DATE_TIMES = ['2025-02-30T10:00:00Z', '2025-01-01T24:00:01Z', '2025-01-01T10:61:00Z', '2025-01-01T10:00:00+25:00'];

const HUGE_BODY = `{"pad":"${'x'.repeat(1024 * 1024 + 1)}"}`;
const DEEP_ARRAY = `${'['.repeat(5000)}${']'.repeat(5000)}`;
const DEEP_OBJECT = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;

interface Plan {
  params: Record<string, string>;
  query: [string, string][];
  headers: Record<string, string>;
  body: unknown;
}

function serialise(body: unknown, raws: Raw[]): string | Buffer {
  let text = JSON.stringify(body);
  if (raws.length === 0) return text;
  const parts: Buffer[] = [];
  raws.forEach((raw, i) => {
    const marker = JSON.stringify(RAW(i));
    const at = text.indexOf(marker);
    if (at < 0) return;
    parts.push(Buffer.from(text.slice(0, at)), typeof raw === 'string' ? Buffer.from(raw) : raw);
    text = text.slice(at + marker.length);
  });
  parts.push(Buffer.from(text));
  return Buffer.concat(parts);
}

const asText = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

function build(
  op: Operation,
  plan: Plan,
  kind: string,
  extra: { rawPath?: Record<string, string>; rawQuery?: string; payload?: string | Buffer; contentType?: string; raws?: Raw[] } = {},
): FuzzRequest {
  let url = op.path.replace(/\{([^}]+)\}/g, (_m, name: string) => extra.rawPath?.[name] ?? encodeURIComponent(plan.params[name] ?? 'x'));
  const query = plan.query.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
  if (extra.rawQuery !== undefined) query.push(extra.rawQuery);
  if (query.length > 0) url += `?${query.join('&')}`;
  const headers = { ...plan.headers };
  let payload = extra.payload;
  if (payload === undefined && plan.body !== undefined) payload = serialise(plan.body, extra.raws ?? []);
  if (payload !== undefined) headers['content-type'] = extra.contentType ?? 'application/json';
  return { kind, method: op.method, url, headers, payload };
}

/** Fields of the body's top level by declared type. */
function bodyFields(op: Operation): [string, JsonSchema][] {
  return Object.entries(op.body?.properties ?? {});
}

/** Every defect this operation can carry, each an arbitrary of requests (built from a plausible plan). */
export function invalidRequests(op: Operation, pools: (param: string) => readonly string[]): fc.Arbitrary<FuzzRequest> {
  const pathParams = op.parameters.filter((p) => p.in === 'path');
  const queryParams = op.parameters.filter((p) => p.in === 'query');
  const headerParams = op.parameters.filter((p) => p.in === 'header');
  const plan: fc.Arbitrary<Plan> = fc.record({
    params: fc.record(
      Object.fromEntries(
        pathParams.map((p) => {
          const known = pools(p.name);
          // "." and ".." are dot segments: a client (light-my-request too) resolves them away, to another route.
          const generated = valueOf(p.schema)
            .map(asText)
            .filter((v) => v !== '.' && v !== '..');
          return [
            p.name,
            known.length > 0
              ? fc.oneof({ arbitrary: fc.constantFrom(...known), weight: 3 }, { arbitrary: generated, weight: 1 })
              : generated,
          ];
        }),
      ),
    ),
    query: fc
      .tuple(
        ...queryParams.map((p) =>
          p.required === true
            ? valueOf(p.schema).map((v) => [[p.name, asText(v)]])
            : fc.option(
                valueOf(p.schema).map((v) => [[p.name, asText(v)]]),
                { nil: [] },
              ),
        ),
      )
      .map((pairs) => (pairs as [string, string][][]).flat()),
    headers: fc.record(Object.fromEntries(headerParams.map((p) => [p.name, valueOf(p.schema).map(asText)])), {
      requiredKeys: headerParams.filter((p) => p.required === true).map((p) => p.name),
    }),
    body: op.body === undefined ? fc.constant(undefined) : valueOf(op.body),
  });

  const defects: { arbitrary: fc.Arbitrary<FuzzRequest>; weight: number }[] = [];
  const add = (weight: number, arbitrary: fc.Arbitrary<FuzzRequest>) => defects.push({ weight: Math.round(weight * 5), arbitrary });

  // Hostile text in a header and in the query string: every operation has both.
  add(
    2,
    fc
      .tuple(
        plan,
        fc.constantFrom(...HOSTILE_TEXT),
        fc.constantFrom('x-fuzz', 'idempotency-key', 'user-agent', 'x-request-id', 'x-api-key'),
      )
      .map(([p, h, name]) => build(op, { ...p, headers: { ...p.headers, [name]: h.text } }, `hostile header ${name}`)),
  );
  const queryNames = [...queryParams.map((q) => q.name), 'q'];
  add(
    2,
    fc
      .tuple(
        plan,
        fc.constantFrom(...queryNames),
        fc.oneof(
          fc.constantFrom(...HOSTILE_TEXT).map((h) => h.percent),
          fc.constantFrom(...BAD_PERCENT),
        ),
      )
      .map(([p, name, raw]) =>
        build(op, { ...p, query: p.query.filter(([k]) => k !== name) }, `hostile query ${name}`, {
          rawQuery: `${encodeURIComponent(name)}=${raw}`,
        }),
      ),
  );
  if (pathParams.length > 0) {
    add(
      3,
      fc
        .tuple(
          plan,
          fc.constantFrom(...pathParams.map((p) => p.name)),
          fc.oneof(
            fc.constantFrom(...HOSTILE_TEXT).map((h) => h.percent),
            fc.constantFrom(...BAD_PERCENT.filter((b) => b !== '%')),
          ),
        )
        .map(([p, name, raw]) => build(op, p, `hostile path ${name}`, { rawPath: { [name]: raw } })),
    );
  }

  // Query parameters: missing when required, of the wrong type, out of range, given twice, impossible dates.
  for (const q of queryParams) {
    const type = typeOf(q.schema);
    const others = (p: Plan) => p.query.filter(([k]) => k !== q.name);
    if (q.required === true && q.schema.default === undefined)
      add(
        1,
        plan.map((p) => build(op, { ...p, query: others(p) }, `missing query ${q.name}`)),
      );
    const wrong = wrongQueryValues(q.schema);
    if (wrong.length > 0)
      add(
        1,
        fc
          .tuple(plan, fc.constantFrom(...wrong))
          .map(([p, v]) => build(op, { ...p, query: [...others(p), [q.name, v]] }, `wrong query ${q.name}`)),
      );
    if (type !== 'array') {
      add(
        1,
        fc
          .tuple(plan, valueOf(q.schema), valueOf(q.schema))
          .map(([p, a, b]) =>
            build(op, { ...p, query: [...others(p), [q.name, asText(a)], [q.name, asText(b)]] }, `duplicate query ${q.name}`),
          ),
      );
    }
  }

  // Header parameters: missing when required, hostile text.
  for (const h of headerParams.filter((x) => x.required === true)) {
    add(
      1,
      plan.map((p) => {
        const headers = { ...p.headers };
        delete headers[h.name];
        return build(op, { ...p, headers }, `missing header ${h.name}`);
      }),
    );
  }

  if (op.body !== undefined) {
    const fields = bodyFields(op);
    const required = (op.body.required ?? []).filter((k) => op.body?.properties?.[k]?.default === undefined);
    const withField = (p: Plan, key: string, value: unknown): Plan => ({
      ...p,
      body: { ...(isObject(p.body) ? p.body : {}), [key]: value },
    });
    if (required.length > 0) {
      add(
        2,
        fc.tuple(plan, fc.constantFrom(...required)).map(([p, key]) => {
          const body = { ...(isObject(p.body) ? p.body : {}) };
          delete body[key];
          return build(op, { ...p, body }, `missing body.${key}`);
        }),
      );
    }
    const typed = fields.filter(([, s]) => wrongBodyValues(s).length > 0);
    if (typed.length > 0) {
      add(
        3,
        fc
          .tuple(plan, fc.constantFrom(...typed))
          .chain(([p, [key, s]]) =>
            fc.constantFrom(...wrongBodyValues(s)).map((v) => build(op, withField(p, key, v), `wrong type body.${key}`)),
          ),
      );
    }
    const numeric = fields.filter(([, s]) => typeOf(s) === 'integer' || typeOf(s) === 'number');
    if (numeric.length > 0) {
      add(
        2,
        fc
          .tuple(plan, fc.constantFrom(...numeric))
          .chain(([p, [key, s]]) =>
            fc
              .constantFrom(...outOfRange(s))
              .map((raw) => build(op, withField(p, key, RAW(0)), `out of range body.${key}=${raw}`, { raws: [raw] })),
          ),
      );
    }
    const strings = fields.filter(([, s]) => typeOf(s) === 'string' && s.enum === undefined && s.anyOf === undefined);
    if (strings.length > 0) {
      add(
        3,
        fc
          .tuple(plan, fc.constantFrom(...strings), fc.constantFrom(...HOSTILE_TEXT))
          .map(([p, [key], h]) => build(op, withField(p, key, h.text), `hostile body.${key}`)),
      );
      add(
        1,
        fc.tuple(plan, fc.constantFrom(...strings)).map(([p, [key]]) =>
          build(op, withField(p, key, RAW(0)), `invalid UTF-8 body.${key}`, {
            raws: [Buffer.from([0x22, 0x61, 0xff, 0xfe, 0x62, 0x22])],
          }),
        ),
      );
      const bounded = strings.filter(([, s]) => s.format === undefined);
      if (bounded.length > 0)
        add(
          1,
          fc
            .tuple(plan, fc.constantFrom(...bounded))
            .map(([p, [key, s]]) =>
              build(op, withField(p, key, 'x'.repeat(Math.max((s.maxLength ?? 0) + 1, 100_000))), `huge body.${key}`),
            ),
        );
    }
    const dates = fields.filter(([, s]) => s.format === 'date' || s.format === 'date-time');
    if (dates.length > 0) {
      add(
        2,
        fc
          .tuple(plan, fc.constantFrom(...dates))
          .chain(([p, [key, s]]) =>
            fc
              .constantFrom(...(s.format === 'date' ? IMPOSSIBLE_DATES : IMPOSSIBLE_DATE_TIMES))
              .map((v) => build(op, withField(p, key, v), `impossible date body.${key}=${v}`)),
          ),
      );
    }
    if (typeOf(op.body) === 'object') {
      add(
        1,
        fc
          .tuple(plan, fc.constantFrom('[]', '1', '"text"', 'null', 'true', '1e309', '[{}]'))
          .map(([p, raw]) => build(op, p, `not an object: ${raw}`, { payload: raw })),
      );
      add(
        2,
        fc
          .tuple(plan, fc.constantFrom('__proto__', 'constructor', 'prototype'), fc.constantFrom(...[undefined, ...fields.map(([k]) => k)]))
          .map(([p, key, into]) => {
            const pollution = `{"${key}":{"polluted":true,"prototype":{"polluted":true}}}`;
            if (into !== undefined) return build(op, withField(p, into, RAW(0)), `prototype key ${into}.${key}`, { raws: [pollution] });
            const rest = JSON.stringify(isObject(p.body) ? p.body : {}).slice(1);
            return build(op, p, `prototype key ${key}`, { payload: `${pollution.slice(0, -1)}${rest === '}' ? '}' : `,${rest}`}` });
          }),
      );
    }
    add(
      1,
      fc.tuple(plan, fc.constantFrom(DEEP_ARRAY, DEEP_OBJECT)).map(([p, raw]) => build(op, p, 'nested 5000 deep', { payload: raw })),
    );
    add(
      1,
      fc
        .tuple(
          plan,
          fc.constantFrom(
            'text/plain',
            'application/x-www-form-urlencoded',
            'application/xml',
            'multipart/form-data; boundary=x',
            'application/octet-stream',
          ),
        )
        .map(([p, type]) =>
          build(op, p, `content type ${type}`, { contentType: type, payload: typeof p.body === 'object' ? JSON.stringify(p.body) : 'x=1' }),
        ),
    );
    add(
      0.2,
      plan.map((p) => build(op, p, 'body over the limit', { payload: HUGE_BODY })),
    );
  }
  return fc.oneof(...defects);
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function wrongQueryValues(s: JsonSchema): string[] {
  if (s.enum !== undefined || s.anyOf?.every((b) => b.enum !== undefined || b.const !== undefined)) return ['zz-not-a-choice'];
  switch (typeOf(s)) {
    case 'integer':
      return ['abc', '1.5', '', '1e309', '-1e309', '99999999999999999999', '9223372036854775808', ...outOfRange(s)];
    case 'number':
      return ['abc', '', '1e309', 'NaN', 'Infinity'];
    case 'boolean':
      return ['maybe', '2', 'yes please'];
    default:
      return s.format === 'date' ? IMPOSSIBLE_DATES : s.format === 'date-time' ? IMPOSSIBLE_DATE_TIMES : [];
  }
}

/** Values of the wrong JSON type: refused by the strict canonical bodies and the lax compatibility ones alike. */
function wrongBodyValues(s: JsonSchema): unknown[] {
  if (s.nullable === true || (s.anyOf ?? []).some((b) => b.type === 'null'))
    return typeOf(s) === 'object' ? ['text', 5] : typeOf(s) === undefined ? [] : [{ a: 1 }, [1, 2]];
  switch (typeOf(s)) {
    case 'string':
      return [5, true, { a: 1 }, [1, 2], null];
    case 'integer':
      return ['abc', 1.5, { a: 1 }, [1, 2], null];
    case 'number':
      return ['abc', { a: 1 }, [1, 2], null];
    case 'boolean':
      return ['maybe', { a: 1 }, [1, 2], 7];
    case 'array':
      return [{ a: 1 }, 'text'];
    case 'object':
      return ['text', 5, [1, 2]];
    default:
      return [];
  }
}

/** Numbers outside the declared range, or beyond what int8 (or a double) holds when no range is declared. */
function outOfRange(s: JsonSchema): string[] {
  const out = ['1e309', '-1e309'];
  out.push(s.maximum !== undefined ? String(s.maximum + (typeOf(s) === 'integer' ? 1 : 0.5)) : '9223372036854775808');
  if (s.exclusiveMaximum !== undefined) out.push(String(s.exclusiveMaximum));
  const low = s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum : undefined);
  out.push(
    low !== undefined ? String(s.exclusiveMinimum !== undefined && s.minimum === undefined ? low : low - 1) : '-9223372036854775809',
  );
  return out;
}
