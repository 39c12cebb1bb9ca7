/**
 * The one place where failures become HTTP responses on the canonical surface:
 * `{ "error": { "code", "message", "details" } }` with the status the registry declares.
 * Compatibility surfaces install their own renderer (see `detailErrorHandler`) for the
 * FastAPI-style `{ "detail": … }` bodies their contracts name, using the same classification.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, platformError } from '../errors.js';

export interface ValidationIssue {
  readonly location: string;
  readonly path: string;
  readonly message: string;
}

/** A thrown value classified as an AppError (known failure) or left as an internal one. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const fe = err as FastifyError & {
    validation?: { instancePath?: string; message?: string; params?: Record<string, unknown> }[];
    validationContext?: string;
  };
  if (fe?.validation) {
    return platformError('VALIDATION_FAILED', validationMessage(fe), validationIssues(fe));
  }
  switch (fe?.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return platformError('VALIDATION_FAILED', fe.message);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return platformError('PAYLOAD_TOO_LARGE');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_TYPE':
      return platformError('UNSUPPORTED_MEDIA_TYPE');
    default:
      break;
  }
  if (isOverload(err)) return platformError('DATABASE_BUSY');
  if (typeof fe?.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return platformError('VALIDATION_FAILED', fe.message);
  }
  return platformError('INTERNAL');
}

/**
 * The database could not take the work now (no pooled connection within the timeout, a deadlock or a
 * serialization failure chosen as victim): nothing was done, and a retry may succeed — a 503, not a 500.
 */
function isOverload(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown };
  if (e?.code === '40P01' || e?.code === '40001' || e?.code === '53300') return true;
  return (
    typeof e?.message === 'string' &&
    /timeout exceeded when trying to connect|Connection terminated due to connection timeout/.test(e.message)
  );
}

export function validationIssues(err: {
  validation?: { instancePath?: string; message?: string; params?: Record<string, unknown> }[];
  validationContext?: string;
}): ValidationIssue[] {
  return (err.validation ?? []).map((v) => {
    const extra = v.params?.additionalProperty ?? v.params?.missingProperty;
    const base = (v.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
    const fieldPath = typeof extra === 'string' ? (base ? `${base}.${extra}` : extra) : base;
    return { location: err.validationContext ?? 'body', path: fieldPath, message: v.message ?? 'is not valid' };
  });
}

function validationMessage(err: Parameters<typeof validationIssues>[0]): string {
  const issues = validationIssues(err);
  const first = issues[0];
  if (first === undefined) return 'The request is not valid.';
  const where = first.path ? `${first.location}.${first.path}` : first.location;
  if (/must NOT have additional properties/.test(first.message)) return `${where} is not an allowed field.`;
  return `${where} ${first.message}.`;
}

export function errorBody(err: AppError): { error: { code: string; message: string; details?: unknown } } {
  return { error: { code: err.code, message: err.message, ...(err.details !== undefined ? { details: err.details } : {}) } };
}

export function logFailure(request: FastifyRequest, err: unknown, appError: AppError): void {
  if (appError.status >= 500) request.log.error({ err }, 'request failed');
  else request.log.info({ code: appError.code, status: appError.status }, appError.message);
}

export async function canonicalErrorHandler(this: unknown, err: unknown, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const appError = toAppError(err);
  logFailure(request, err, appError);
  await reply.status(appError.status).send(errorBody(appError));
}
