/**
 * Hostile input refused at the edge, once for every route, before access control, a handler or the
 * database sees it: a NUL character, a lone surrogate or a malformed percent-encoding (bytes that are
 * not UTF-8) in a path parameter, the query string or a header; and in a JSON body, bytes that are not
 * UTF-8, NUL characters or lone surrogates in any string or key, a nesting deeper than MAX_BODY_DEPTH,
 * and the prototype keys `__proto__`, `constructor` and `prototype`.
 *
 * PostgreSQL cannot store NUL in text and answers an error (a 500, before this) wherever one reached
 * a query; a lone surrogate is silently replaced on its way to the database. Each refusal is raised as
 * a validation failure, so every surface renders it in its own shape through its usual error handler:
 * 400 VALIDATION_FAILED on the canonical API, 422 `{"detail": [{loc, msg, type}]}` on the
 * compatibility surfaces. A URL the router cannot decode at all (`%ff`) is rendered the same way
 * (`badUrlHandler`, Fastify's `frameworkErrors`).
 */
import { isUtf8 } from 'node:buffer';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { detailErrorHandler } from './compat.js';
import { canonicalErrorHandler } from './error-handler.js';
import { isCompatPath } from './rate-limit.js';

/** Deeper than any contract's body (the deepest is a few levels): a body nested thousands deep is refused. */
export const MAX_BODY_DEPTH = 32;

type Location = 'params' | 'querystring' | 'headers' | 'body';

/** A refusal shaped like a schema validation failure, which both renderers already know. */
export class InputRefused extends Error {
  readonly statusCode = 400;
  readonly validation: { instancePath: string; message: string }[];
  readonly validationContext: Location;

  constructor(location: Location, path: readonly (string | number)[], message: string) {
    super(message);
    this.name = 'InputRefused';
    this.validationContext = location;
    this.validation = [{ instancePath: path.map((p) => `/${String(p)}`).join(''), message }];
  }
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// RFC 9110 field values: visible characters, spaces and tabs; no other control character.
// eslint-disable-next-line no-control-regex
const HEADER_CONTROL = /[\u0000-\u0008\u000A-\u001F\u007F]/;
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Why a piece of text cannot be taken, or undefined when it can. */
export function textProblem(text: string): string | undefined {
  if (text.includes('\u0000')) return 'must not contain a NUL character';
  if (LONE_SURROGATE.test(text)) return 'must be valid Unicode (no lone surrogate)';
  return undefined;
}

function checkParams(params: unknown): void {
  if (params === null || typeof params !== 'object') return;
  for (const [name, value] of Object.entries(params as Record<string, unknown>)) {
    const problem = typeof value === 'string' ? textProblem(value) : undefined;
    if (problem !== undefined) throw new InputRefused('params', [name], problem);
  }
}

function decodeQueryPart(part: string): string | undefined {
  try {
    return decodeURIComponent(part.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

/** The raw query string: each key and value must be well-formed percent-encoded UTF-8 without NUL. */
function checkQuery(url: string): void {
  const start = url.indexOf('?');
  if (start < 0) return;
  for (const pair of url.slice(start + 1).split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const rawKey = eq < 0 ? pair : pair.slice(0, eq);
    const key = decodeQueryPart(rawKey);
    if (key === undefined) throw new InputRefused('querystring', [], 'has a name that is not valid percent-encoded UTF-8');
    const keyProblem = textProblem(key);
    if (keyProblem !== undefined) throw new InputRefused('querystring', [], `has a name that ${keyProblem.replace(/^must/, 'does')}`);
    if (eq < 0) continue;
    const value = decodeQueryPart(pair.slice(eq + 1));
    if (value === undefined) throw new InputRefused('querystring', [key], 'must be valid percent-encoded UTF-8');
    const problem = textProblem(value);
    if (problem !== undefined) throw new InputRefused('querystring', [key], problem);
  }
}

function checkHeaders(headers: FastifyRequest['headers']): void {
  for (const [name, value] of Object.entries(headers)) {
    for (const text of [value ?? []].flat()) {
      if (HEADER_CONTROL.test(text)) throw new InputRefused('headers', [name], 'must not contain control characters');
      const problem = textProblem(text);
      if (problem !== undefined) throw new InputRefused('headers', [name], problem);
    }
  }
}

/** Walks a parsed body without recursion (a body nested thousands deep cannot exhaust the stack). */
function checkBody(body: unknown): void {
  if (body === null || typeof body !== 'object') {
    const problem = typeof body === 'string' ? textProblem(body) : undefined;
    if (problem !== undefined) throw new InputRefused('body', [], problem);
    return;
  }
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value: body, path: [] }];
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (typeof value === 'string') {
      const problem = textProblem(value);
      if (problem !== undefined) throw new InputRefused('body', path, problem);
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (path.length >= MAX_BODY_DEPTH) throw new InputRefused('body', path, `must not be nested more than ${MAX_BODY_DEPTH} levels deep`);
    if (Array.isArray(value)) {
      value.forEach((item, i) => stack.push({ value: item, path: [...path, i] }));
      continue;
    }
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      if (PROTOTYPE_KEYS.has(key)) throw new InputRefused('body', [...path, key], 'is not an allowed field');
      const problem = textProblem(key);
      if (problem !== undefined) throw new InputRefused('body', path, `has a field name that ${problem.replace(/^must/, 'does')}`);
      stack.push({ value: item, path: [...path, key] });
    }
  }
}

/**
 * Installs the checks on the root instance (before access control, whose API-key lookup reads a
 * header), and a JSON parser that refuses bytes that are not UTF-8 instead of replacing them, and
 * any `__proto__` or `constructor.prototype` (secure-json-parse, as Fastify's default does).
 */
export function registerHostileInputGuard(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    checkParams(request.params);
    checkQuery(request.url);
    checkHeaders(request.headers);
  });
  app.addHook('preValidation', async (request) => {
    if (request.body !== undefined) checkBody(request.body);
  });
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const bytes = body as Buffer;
    if (!isUtf8(bytes)) {
      done(new InputRefused('body', [], 'must be UTF-8 encoded JSON'), undefined);
      return;
    }
    void parseJson(request, bytes.toString('utf8'), done);
  });
}

const detailBadUrl = detailErrorHandler();

/**
 * Fastify's `frameworkErrors`: a URL whose percent-encoding the router cannot decode (`/rooms/%ff`)
 * matched no route, so the surface is told by its path, and the refusal is rendered like any other.
 */
export function badUrlHandler(error: Error, request: FastifyRequest, reply: FastifyReply): void {
  const code = (error as { code?: string }).code;
  const err = code === 'FST_ERR_BAD_URL' ? new InputRefused('params', [], 'must be valid percent-encoded UTF-8') : error;
  const render = isCompatPath(request.url) ? detailBadUrl : canonicalErrorHandler;
  render
    .call(undefined, err, request, reply)
    .catch((failure: unknown) => request.log.error({ err: failure }, 'could not render a refused URL'));
}
