/**
 * The platform's access routes: the local issuer's public keys, staff sign-in, and "who am I".
 * Sign-in answers 401 INVALID_CREDENTIALS for an unknown email and for a wrong password alike, after
 * the same scrypt work; five failures for one email within 15 minutes lock that email's sign-in for
 * the rest of the window (429 with Retry-After), on top of the login rate limit.
 */
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { Clock } from '../clock.js';
import type { App } from '../http/app.js';
import { ROLES } from '../http/roles.js';
import { replies } from '../http/schemas.js';
import { authError } from './auth.errors.js';
import type { AuthDB } from './auth.tables.js';
import { verifyPassword } from './passwords.js';
import { findStaffUserByEmail } from './staff-users.repository.js';
import type { TokenService } from './tokens.js';

const everyone = { roles: ROLES };

const TokenBody = Type.Object(
  { email: Type.String({ minLength: 3, maxLength: 320 }), password: Type.String({ minLength: 1, maxLength: 1024 }) },
  { additionalProperties: false },
);
const TokenReply = Type.Object({
  access_token: Type.String(),
  token_type: Type.Literal('Bearer'),
  expires_in: Type.Integer({ description: 'Seconds until the token expires' }),
});
const MeReply = Type.Object({
  sub: Type.String(),
  role: Type.Union([Type.Literal('guest'), Type.Literal('business'), Type.Literal('admin'), Type.Literal('service')]),
  org: Type.Optional(Type.String()),
  venues: Type.Optional(Type.Array(Type.String())),
  booking: Type.Optional(Type.String({ description: 'The one booking a guest token manages' })),
  via: Type.Union([Type.Literal('token'), Type.Literal('api-key'), Type.Literal('trusted')]),
});
const Jwks = Type.Object({ keys: Type.Array(Type.Record(Type.String(), Type.Unknown())) });

const FAILURE_WINDOW_MS = 15 * 60_000;
const FAILURES_ALLOWED = 5;

/** Failed sign-ins per email in this process, within a window. */
class FailedSignIns {
  readonly #failures = new Map<string, { count: number; since: number }>();
  constructor(readonly clock: Clock) {}

  /** Seconds until this email may try again, or 0. */
  lockedFor(email: string): number {
    const f = this.#failures.get(email);
    if (f === undefined) return 0;
    const age = this.clock.now().getTime() - f.since;
    if (age >= FAILURE_WINDOW_MS) {
      this.#failures.delete(email);
      return 0;
    }
    return f.count >= FAILURES_ALLOWED ? Math.ceil((FAILURE_WINDOW_MS - age) / 1000) : 0;
  }

  fail(email: string): void {
    const now = this.clock.now().getTime();
    const f = this.#failures.get(email);
    if (f === undefined || now - f.since >= FAILURE_WINDOW_MS) this.#failures.set(email, { count: 1, since: now });
    else f.count++;
    if (this.#failures.size > 100_000) this.#failures.clear(); // bounded memory under a spray of emails
  }

  succeed(email: string): void {
    this.#failures.delete(email);
  }
}

export function authRoutes(app: App | FastifyInstance, deps: { tokens: TokenService; db: AuthDB; clock: Clock }): void {
  const typed = app as App;
  const failures = new FailedSignIns(deps.clock);

  typed.get(
    '/.well-known/jwks.json',
    { schema: { tags: ['access'], summary: "The public keys of Innkeeper's own token issuer", response: { 200: Jwks } } },
    async () => deps.tokens.jwks(),
  );

  typed.post(
    '/api/v1/auth/token',
    {
      schema: {
        tags: ['access'],
        summary: 'Sign in a staff user: email and password for a bearer token',
        body: TokenBody,
        response: replies({ 200: TokenReply }),
      },
      config: { ...everyone, anonymous: true },
    },
    async (request, reply) => {
      const email = request.body.email.trim().toLowerCase();
      const locked = failures.lockedFor(email);
      if (locked > 0) {
        void reply.header('retry-after', String(locked));
        throw authError('TOO_MANY_LOGIN_FAILURES', undefined, { retry_after_seconds: locked });
      }
      const user = await findStaffUserByEmail(deps.db, email);
      const ok = await verifyPassword(request.body.password, user?.passwordHash);
      if (!ok || user === undefined) {
        failures.fail(email);
        request.log.info('sign-in refused');
        throw authError('INVALID_CREDENTIALS');
      }
      failures.succeed(email);
      const ttl = deps.tokens.config.tokenTtlSeconds;
      const { token } = await deps.tokens.sign(
        {
          sub: user.id,
          role: user.role,
          org: user.organizationId ?? undefined,
          venues: user.venues ?? undefined,
        },
        ttl,
      );
      return { access_token: token, token_type: 'Bearer' as const, expires_in: ttl };
    },
  );

  typed.get(
    '/api/v1/auth/me',
    { schema: { tags: ['access'], summary: 'The caller’s identity', response: replies({ 200: MeReply }) }, config: everyone },
    async (request) => {
      const i = request.identity!;
      return {
        sub: i.sub,
        role: i.role,
        ...(i.org !== undefined ? { org: i.org } : {}),
        ...(i.venues !== undefined ? { venues: [...i.venues] } : {}),
        ...(i.booking !== undefined ? { booking: i.booking } : {}),
        via: i.via,
      };
    },
  );
}
