/** JSON over HTTP to the test app, through app.inject: what a test sends and the status and body it gets. */
import type { TestContext } from './context.js';

export type Json = Record<string, unknown>;

export interface JsonReply<Body> {
  readonly status: number;
  /** The parsed JSON body; undefined when the answer has none (204). */
  readonly body: Body | undefined;
}

export type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/**
 * A `call(method, url, payload?, headers?)` over the file's context (read when called, so it can be
 * made before `beforeAll` has built the context). `Body` is how the file reads answers.
 */
export function jsonCall<Body = Json>(ctx: () => TestContext) {
  return async (method: Method, url: string, payload?: unknown, headers?: Record<string, string>): Promise<JsonReply<Body>> => {
    const res = await ctx().app.inject({
      method,
      url,
      ...(payload !== undefined ? { payload: payload as Json } : {}),
      ...(headers ? { headers } : {}),
    });
    return { status: res.statusCode, body: res.body === '' ? undefined : res.json<Body>() };
  };
}
