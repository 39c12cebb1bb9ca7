/**
 * One HTTP POST of a webhook: JSON body, Standard Webhooks headers, a 15 s limit, redirects not
 * followed (a 3xx is a failure like any non-2xx). Unless private targets are allowed, the socket
 * connects only to an address the SSRF guard checked at connect time (webhook.ssrf.ts).
 */
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { guardedLookup, isPrivateAddress } from './webhook.ssrf.js';

export const SEND_TIMEOUT_MS = 15_000;
/** How much of a receiver's answer is kept (in the attempt's error), the rest is drained unread. */
const KEEP_BODY_CHARS = 200;

export interface SendRequest {
  readonly url: string;
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly allowPrivate: boolean;
  readonly timeoutMs?: number;
}

export interface SendResult {
  /** The receiver's status code; undefined when no answer came (refused, timed out, connection failed). */
  readonly status: number | undefined;
  readonly durationMs: number;
  /** Why it failed (undefined on a 2xx). */
  readonly error: string | undefined;
}

export function send(request: SendRequest): Promise<SendResult> {
  const started = performance.now();
  const elapsed = () => Math.max(0, Math.round(performance.now() - started));
  return new Promise((resolve) => {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      resolve({ status: undefined, durationMs: 0, error: 'invalid URL' });
      return;
    }
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (!request.allowPrivate && isIP(host) !== 0 && isPrivateAddress(host)) {
      resolve({ status: undefined, durationMs: 0, error: `refused: ${host} is a non-public address` });
      return;
    }
    const client = url.protocol === 'https:' ? https : http;
    const req = client.request(url, {
      method: 'POST',
      headers: { ...request.headers, 'content-length': Buffer.byteLength(request.body).toString() },
      timeout: request.timeoutMs ?? SEND_TIMEOUT_MS,
      signal: AbortSignal.timeout(request.timeoutMs ?? SEND_TIMEOUT_MS),
      agent: false,
      ...(request.allowPrivate ? {} : { lookup: guardedLookup }),
    });
    let settled = false;
    const done = (result: SendResult) => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    req.on('timeout', () => req.destroy(new Error(`timed out after ${request.timeoutMs ?? SEND_TIMEOUT_MS} ms`)));
    req.on('error', (err: NodeJS.ErrnoException) => done({ status: undefined, durationMs: elapsed(), error: err.message.slice(0, 500) }));
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      let kept = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (kept.length < KEEP_BODY_CHARS) kept += chunk.slice(0, KEEP_BODY_CHARS - kept.length);
      });
      const finish = () => {
        const ok = status >= 200 && status < 300;
        done({
          status,
          durationMs: elapsed(),
          error: ok
            ? undefined
            : status >= 300 && status < 400
              ? `redirect ${status} not followed${res.headers.location === undefined ? '' : ` (to ${res.headers.location.slice(0, 200)})`}`
              : `HTTP ${status}${kept === '' ? '' : `: ${kept}`}`,
        });
      };
      res.on('end', finish);
      res.on('error', finish);
      res.on('aborted', finish);
    });
    req.end(request.body);
  });
}
