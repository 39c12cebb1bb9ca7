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
import type { EventBus } from '../events/event-bus.js';
import type { PiiVault } from '../pii/pii-vault.js';
import type { Clock } from '../clock.js';
import type { LogLevel } from '../config.js';
import type { Database } from '../db/database.js';
import type { SchemaMigrations } from '../db/migrator.js';
import type { Scheduler } from '../jobs/scheduler.js';
import { platformError } from '../errors.js';
import { loggerOptions } from '../observability/logger.js';
import { registerAccess, type AccessOptions } from '../auth/access.plugin.js';
import { authRoutes } from '../auth/auth.routes.js';
import { auditRoutes } from '../audit/audit.routes.js';
import { eventSchemaRoutes } from '../events/event-schemas.routes.js';
import { outboxStatusRoutes } from '../events/outbox-status.routes.js';
import type { Role } from './roles.js';
import { loadEdgeConfig, type EdgeConfig } from './edge.config.js';
import { detailErrorHandler } from './compat.js';
import { canonicalErrorHandler, errorBody } from './error-handler.js';
import { edgeServerOptions, registerHardening } from './hardening.js';
import { badUrlHandler, registerHostileInputGuard } from './hostile-input.js';
import { isCompatPath, registerRateLimits } from './rate-limit.js';
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
   * The `Authorization` header the gateway forwards: the caller's own, or (for an anonymous caller, with
   * access control on) a token saying "an anonymous caller, through the gateway".
   */
  readonly gatewayAuthorization?: (callerAuthorization: string | undefined) => Promise<string | undefined>;
  /** Signs a guest token for one booking (the manage-my-booking link); absent when access control is off. */
  readonly issueGuestToken?: (guestId: string, bookingId: string, validUntil: Date) => Promise<string>;
  /** The keys that seal guest data at rest and index it for lookups (platform/pii). */
  readonly pii: PiiVault;
  /** Outboxes, consumers and the relay between them (platform/events); absent in tests that need none. */
  readonly events?: EventBus;
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
  /** Access control (absent: every caller is trusted, as with INNKEEPER_AUTH=off). */
  readonly access?: AccessOptions;
  /** Rate limits, CORS, trusted proxies, body limit, timeouts (edge.config.ts); absent: the defaults, without rate limits. */
  readonly edge?: EdgeConfig;
}

/** A route's access as declared: no roles means public. */
export interface RouteAccess {
  readonly method: string;
  readonly url: string;
  readonly roles: readonly Role[] | undefined;
  readonly anonymous: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route of the app with the roles it declares. */
    readonly routeTable: readonly RouteAccess[];
  }
}

/** A request id a caller may choose: what a UUID, a trace id or a load balancer's id looks like. */
const REQUEST_ID = /^[\w.:@/+=-]{1,200}$/;

const HealthReply = Type.Object({ status: Type.Literal('ok') });
const ReadyReply = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('not_ready')]),
  checks: Type.Record(Type.String(), Type.String()),
  warnings: Type.Optional(Type.Array(Type.String())),
});

const AUTH_OFF_WARNING =
  'ACCESS CONTROL IS OFF (INNKEEPER_AUTH=off): every caller is trusted as an admin. Use this on a trusted network only.';

/** The OpenAPI document states each operation's roles and security (bearer token or API key). */
function documentAccess({ schema, url, route }: { schema: unknown; url: string; route: { config?: unknown } }) {
  const config = (route.config ?? {}) as { roles?: readonly string[]; anonymous?: boolean };
  if (config.roles === undefined || schema === undefined || schema === null) return { schema: schema as object, url };
  const s = schema as { description?: string; security?: unknown };
  const who = config.anonymous === true ? `${config.roles.join(', ')}, or anonymous` : config.roles.join(', ');
  return {
    url,
    schema: {
      ...s,
      description: `${s.description === undefined ? '' : `${s.description}\n\n`}Roles: ${who}.`,
      security: [{ bearerAuth: [] }, { apiKey: [] }, ...(config.anonymous === true ? [{}] : [])],
    },
  };
}

export async function buildApp(options: BuildAppOptions): Promise<App> {
  const edge = options.edge ?? loadEdgeConfig({ RATE_LIMIT: 'off' });
  const app = Fastify({
    loggerInstance: options.logger ?? pino(loggerOptions(options.logLevel ?? 'info'), pino.destination(options.logTo === 'stderr' ? 2 : 1)),
    // The caller's x-request-id is kept only when it is a plain token: it is echoed in a header and
    // forwarded, and a NUL or newline in it made the echo throw (a 500 for every route).
    requestIdHeader: false,
    logController: new LogController({ requestIdLogLabel: 'request_id' }),
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    ...edgeServerOptions(edge),
    // The compatibility contracts name both `/bookings/` and `/bookings/{id}`; clients call either form.
    routerOptions: { ignoreTrailingSlash: true },
    return503OnClosing: true,
    // A URL the router cannot decode: refused in the surface's own shape (hostile-input.ts).
    frameworkErrors: badUrlHandler,
  }).withTypeProvider<TypeBoxTypeProvider>();

  // Unknown fields are refused where a schema says additionalProperties: false, never silently dropped;
  // canonical JSON bodies are not coerced (validation.ts).
  app.setValidatorCompiler(validatorCompiler);

  app.addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });

  // Every route as declared: method, URL and who may call it (the role-matrix test and the docs read it).
  // Route options are kept, not copied: a scope's own onRoute hook (compatAccess) may still set their roles.
  const routes: { method: string | string[]; url: string; config?: { roles?: readonly Role[]; anonymous?: boolean } }[] = [];
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/docs')) routes.push(route);
  });
  const routeTable = (): RouteAccess[] =>
    routes.flatMap((route) =>
      [route.method]
        .flat()
        .filter((method) => method !== 'HEAD')
        .map((method) => ({ method, url: route.url, roles: route.config?.roles, anonymous: route.config?.anonymous === true })),
    );
  app.decorate('routeTable', { getter: routeTable });

  // NUL bytes, text that is not UTF-8, bodies nested too deep: refused before anything reads them.
  registerHostileInputGuard(app);

  // Before every route: who is calling, and whether its role may call the route.
  registerAccess(app, options.access);
  const authOff = options.access === undefined || !options.access.tokens.config.enabled;
  await registerHardening(app, edge);
  await registerRateLimits(app, edge.rateLimit);

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
        { name: 'access', description: 'Tokens, keys and identities' },
        ...options.services.map((s) => ({ name: s.name, description: s.title })),
      ],
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
          apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
        },
      },
    },
    transform: documentAccess,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  // A path no route serves has the root's handler: under a compatibility prefix it still answers {detail}.
  const unmatchedCompat = detailErrorHandler();
  app.setErrorHandler(async function handler(err, request, reply) {
    const render = request.is404 && isCompatPath(request.url) ? unmatchedCompat : canonicalErrorHandler;
    await render.call(this, err, request, reply);
  });
  app.setNotFoundHandler(async (request, reply) => {
    // Under a compatibility surface's prefix, FastAPI's own answer for a path it does not serve.
    if (isCompatPath(request.url)) return reply.status(404).send({ detail: 'Not Found' });
    const err = platformError('ROUTE_NOT_FOUND', `No route for ${request.method} ${request.url.split('?')[0] ?? ''}.`);
    return reply.status(404).send(errorBody(err));
  });

  app.get('/health', { schema: { tags: ['operations'], summary: 'Liveness', response: { 200: HealthReply } } }, async () => ({
    status: 'ok' as const,
  }));

  const checks: Record<string, () => Promise<void>> = { database: () => options.deps.database.ping() };
  for (const service of options.services) Object.assign(checks, service.readiness?.(options.deps) ?? {});
  const events = options.deps.events;
  if (events?.usesBroker === true) {
    checks.broker = async () => {
      if (events.broker === undefined) throw new Error('the events are not started');
      await events.broker.check();
    };
  }

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
      return reply
        .status(ready ? 200 : 503)
        .send({ status: ready ? 'ready' : 'not_ready', checks: results, ...(authOff ? { warnings: [AUTH_OFF_WARNING] } : {}) });
    },
  );

  if (options.access !== undefined) {
    const access = options.access;
    authRoutes(app, { tokens: access.tokens, db: access.db, clock: options.deps.clock });
  }
  auditRoutes(app, options.deps.database.db);
  eventSchemaRoutes(app);
  outboxStatusRoutes(app, options.deps);

  for (const service of options.services) {
    await app.register(async (scope) => {
      await service.register(scope, options.deps);
    });
  }

  await app.ready();
  return app;
}
