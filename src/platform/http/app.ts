/**
 * The HTTP platform every service stands on. `buildApp` returns a Fastify instance that is not
 * listening (only the CLI listens; tests inject or listen on port 0): TypeBox schemas drive
 * validation, types and the OpenAPI document; one error handler renders every failure; unknown
 * routes answer JSON 404; every request has an id, echoed in `x-request-id`.
 */
import { randomUUID } from 'node:crypto';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
} from 'fastify';
import pino from 'pino';
import { Type } from 'typebox';
import type { Clock } from '../clock.js';
import type { LogLevel } from '../config.js';
import type { Database } from '../db/database.js';
import type { SchemaMigrations } from '../db/migrator.js';
import type { Scheduler } from '../jobs/scheduler.js';
import { platformError } from '../errors.js';
import { loggerOptions } from '../observability/logger.js';
import './roles.js';
import { canonicalErrorHandler, errorBody } from './error-handler.js';
import { validatorCompiler } from './validation.js';

export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/** What every service receives: the database, the clock, and how to reach other services. */
export interface ServiceDeps {
  readonly database: Database;
  readonly clock: Clock;
  /** Base URL of each service, for typed clients (the local process's own URL when all-in-one). */
  readonly serviceUrl: (name: string) => string;
  /** How long idempotency keys are kept (IDEMPOTENCY_TTL_HOURS). */
  readonly idempotencyTtlMs: number;
  /** Services add their jobs here; the process starts it after listening. */
  readonly scheduler: Scheduler;
  /** A saga untouched this long is finished or compensated by the recovery job (SAGA_RECOVERY_AFTER_MS). */
  readonly sagaRecoveryAfterMs?: number;
  /**
   * The `Authorization` header value a call to another service carries (a service token), or undefined
   * when access control is off. Every typed client and the gateway's forwarding use it.
   */
  readonly serviceAuthorization?: () => Promise<string | undefined>;
  /**
   * The `Authorization` header value a request forwarded by the gateway carries, given the caller's own
   * header (undefined when the caller sent none): the caller's header, or a token meaning "an anonymous
   * caller, through the gateway". Undefined (or no hook) forwards the caller's header as it was.
   */
  readonly gatewayAuthorization?: (callerAuthorization: string | undefined) => Promise<string | undefined>;
}

export interface ServiceModule {
  readonly name: string;
  readonly title: string;
  /** The schema the service owns, with its migrations. */
  readonly migrations: SchemaMigrations;
  /** Registers the service's routes (and its compatibility surfaces) on the app. */
  readonly register: (app: App, deps: ServiceDeps) => Promise<void>;
  /** Readiness checks beyond the database (e.g. a broker), by name. */
  readonly readiness?: (deps: ServiceDeps) => Record<string, () => Promise<void>>;
}

export interface BuildAppOptions {
  readonly services: readonly ServiceModule[];
  readonly deps: ServiceDeps;
  readonly logLevel?: LogLevel;
  /** Where logs go: stdout for a server, stderr for a command whose stdout is its answer. */
  readonly logTo?: 'stdout' | 'stderr';
  /** A logger instance to use instead of creating one (tests capture output this way). */
  readonly logger?: FastifyBaseLogger;
}

const HealthReply = Type.Object({ status: Type.Literal('ok') });
const ReadyReply = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('not_ready')]),
  checks: Type.Record(Type.String(), Type.String()),
});

export async function buildApp(options: BuildAppOptions): Promise<App> {
  const app = Fastify({
    loggerInstance: options.logger ?? pino(loggerOptions(options.logLevel ?? 'info'), pino.destination(options.logTo === 'stderr' ? 2 : 1)),
    requestIdHeader: 'x-request-id',
    logController: new LogController({ requestIdLogLabel: 'request_id' }),
    genReqId: () => randomUUID(),
    bodyLimit: 1024 * 1024,
    // The compatibility contracts name both `/bookings/` and `/bookings/{id}`; clients call either form.
    routerOptions: { ignoreTrailingSlash: true },
    return503OnClosing: true,
  }).withTypeProvider<TypeBoxTypeProvider>();

  // Unknown fields are refused where a schema says additionalProperties: false, never silently dropped;
  // canonical JSON bodies are not coerced (validation.ts).
  app.setValidatorCompiler(validatorCompiler);

  app.addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Innkeeper',
        version: '0.1.0',
        description:
          'Booking and inventory for hospitality: hotel room-nights, restaurant and cafe tables, retail stock. ' +
          'The canonical API lives under /api/v1; /rooms, /inventory, /bookings and /api/inventory keep the contracts of earlier services.',
      },
      tags: [
        { name: 'operations', description: 'Liveness and readiness' },
        ...options.services.map((s) => ({ name: s.name, description: s.title })),
      ],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  app.setErrorHandler(canonicalErrorHandler);
  app.setNotFoundHandler(async (request, reply) => {
    const err = platformError('ROUTE_NOT_FOUND', `No route for ${request.method} ${request.url.split('?')[0] ?? ''}.`);
    await reply.status(404).send(errorBody(err));
  });

  app.get('/health', { schema: { tags: ['operations'], summary: 'Liveness', response: { 200: HealthReply } } }, async () => ({
    status: 'ok' as const,
  }));

  const checks: Record<string, () => Promise<void>> = { database: () => options.deps.database.ping() };
  for (const service of options.services) Object.assign(checks, service.readiness?.(options.deps) ?? {});

  app.get(
    '/ready',
    {
      schema: {
        tags: ['operations'],
        summary: 'Readiness: the database (and broker) answer',
        response: { 200: ReadyReply, 503: ReadyReply },
      },
    },
    async (_request, reply) => {
      const results: Record<string, string> = {};
      let ready = true;
      for (const [name, check] of Object.entries(checks)) {
        try {
          await check();
          results[name] = 'ok';
        } catch (err) {
          ready = false;
          results[name] = `unavailable: ${(err as Error).message}`;
        }
      }
      return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', checks: results });
    },
  );

  for (const service of options.services) {
    await app.register(async (scope) => {
      await service.register(scope, options.deps);
    });
  }

  await app.ready();
  return app;
}
