/**
 * The error registry: every failure kind has a stable machine-readable code, an HTTP status and a
 * default message, declared once. Domain code raises `AppError`s by code without knowing HTTP; the one
 * error handler (platform/http/error-handler.ts) renders them. Services declare their own codes with
 * `defineErrors`, which refuses a code declared twice with a different status.
 */

export interface ErrorSpec {
  readonly status: number;
  readonly message: string;
}

const registry = new Map<string, ErrorSpec>();

export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details: unknown;

  constructor(code: string, message?: string, details?: unknown) {
    const spec = registry.get(code);
    if (spec === undefined) throw new Error(`error code ${code} is not registered`);
    super(message ?? spec.message);
    this.name = 'AppError';
    this.code = code;
    this.status = spec.status;
    this.details = details;
  }
}

export interface ErrorFactory<C extends string> {
  (code: C, message?: string, details?: unknown): AppError;
  readonly codes: readonly C[];
}

export function defineErrors<const T extends Record<string, ErrorSpec>>(specs: T): ErrorFactory<keyof T & string> {
  for (const [code, spec] of Object.entries(specs)) {
    const existing = registry.get(code);
    if (existing !== undefined && existing.status !== spec.status) {
      throw new Error(`error code ${code} registered twice with different statuses`);
    }
    registry.set(code, spec);
  }
  const factory = (code: keyof T & string, message?: string, details?: unknown) => new AppError(code, message, details);
  return Object.assign(factory, { codes: Object.keys(specs) });
}

export function isAppError(err: unknown, code?: string): err is AppError {
  return err instanceof AppError && (code === undefined || err.code === code);
}

export const platformError = defineErrors({
  VALIDATION_FAILED: { status: 400, message: 'The request is not valid.' },
  ROUTE_NOT_FOUND: { status: 404, message: 'No route matches this method and path.' },
  NOT_FOUND: { status: 404, message: 'The resource does not exist.' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body is too large.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'The request body must be JSON.' },
  IDEMPOTENCY_KEY_REUSED: { status: 422, message: 'This idempotency key was used with a different request.' },
  IDEMPOTENCY_IN_PROGRESS: { status: 409, message: 'A request with this idempotency key is still in progress.' },
  SERVICE_UNAVAILABLE: { status: 503, message: 'A service this request needs is unavailable.' },
  NOT_READY: { status: 503, message: 'The service is not ready.' },
  DATABASE_BUSY: { status: 503, message: 'The database is too busy to answer now; retry shortly.' },
  INTERNAL: { status: 500, message: 'Something went wrong on our side.' },
});
