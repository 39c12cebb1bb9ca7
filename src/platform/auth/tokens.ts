/**
 * Tokens: what Innkeeper signs with its own Ed25519 key (staff logins, guest booking links, service
 * tokens, `innkeeper token`) and what it accepts — its own tokens, and, when configured, an external
 * identity provider's (AUTH_JWKS_URL). Verification with `jose`: signature, `iss`, `aud`, `exp`/`nbf`
 * with 60 s of skew, algorithms pinned (EdDSA for the local key; the provider's asymmetric algorithms,
 * never HMAC or `none`). A token's `iss` (read before verification) only chooses which keys verify it.
 */
import {
  SignJWT,
  createRemoteJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  errors as joseErrors,
  importJWK,
  jwtVerify,
  type JWK,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import type { Clock } from '../clock.js';
import { ROLES, type Role } from '../http/roles.js';
import { LOCAL_AUDIENCE, LOCAL_ISSUER, type AuthConfig } from './auth.config.js';
import type { Identity } from './identity.js';
import type { SigningKey, SigningKeyStore } from './signing-keys.repository.js';

export const CLOCK_SKEW_SECONDS = 60;
/** How long a retired key keeps verifying: the longest token Innkeeper signs (a guest link) lives less. */
export const RETIRED_KEY_VERIFIES_MS = 420 * 86_400_000;
/** The asymmetric algorithms accepted from an external provider (its JWKS names each key's own). */
const EXTERNAL_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

export interface Claims {
  readonly sub: string;
  readonly role: Role;
  readonly org?: string | undefined;
  readonly venues?: readonly string[] | undefined;
  /** A guest token names its one booking. */
  readonly booking?: string | undefined;
  /** `anonymous`: a service token with which the gateway forwards an anonymous caller's request. */
  readonly obo?: 'anonymous' | undefined;
}

/** Why a token was refused (logged; the client gets one 401 whatever the reason). */
export class TokenRefused extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'TokenRefused';
  }
}

/** A verified caller, or an anonymous caller the gateway vouches for (`throughGateway`). */
export type Verified = { readonly identity: Identity } | { readonly identity: null; readonly throughGateway: true };

function stringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string' && v !== '');
}

/** The identity a verified payload names; refuses claims that do not make one. */
export function identityFromClaims(payload: JWTPayload, local: boolean): Verified {
  const { sub, role, org, venues, booking, obo } = payload as Record<string, unknown>;
  if (typeof sub !== 'string' || sub === '') throw new TokenRefused('no subject');
  if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) throw new TokenRefused('no valid role');
  if (org !== undefined && (typeof org !== 'string' || org === '')) throw new TokenRefused('bad org claim');
  if (venues !== undefined && !stringArray(venues)) throw new TokenRefused('bad venues claim');
  if (booking !== undefined && (typeof booking !== 'string' || booking === '')) throw new TokenRefused('bad booking claim');
  if (role === 'business' && org === undefined) throw new TokenRefused('a business token names no organization');
  if (obo !== undefined) {
    // Only Innkeeper's own gateway mints these.
    if (!local || obo !== 'anonymous' || role !== 'service') throw new TokenRefused('bad obo claim');
    return { identity: null, throughGateway: true };
  }
  if (!local && role === 'service') throw new TokenRefused('service tokens come from the local issuer only');
  return {
    identity: {
      sub,
      role: role as Role,
      org: org,
      venues: venues,
      booking: role === 'guest' ? booking : undefined,
      via: 'token',
    },
  };
}

export class TokenService {
  readonly #keyStore: SigningKeyStore;
  readonly #clock: Clock;
  readonly #config: AuthConfig;
  readonly #remote: JWTVerifyGetKey | undefined;
  #keys = new Map<string, SigningKey>();
  #keysReadAt = 0;
  #keysLoading: Promise<void> | undefined;
  #active: { key: SigningKey; readAt: number } | undefined;
  #serviceToken: { value: string; exp: number } | undefined;
  #anonymousToken: { value: string; exp: number } | undefined;

  constructor(keyStore: SigningKeyStore, clock: Clock, config: AuthConfig) {
    this.#keyStore = keyStore;
    this.#clock = clock;
    this.#config = config;
    this.#remote =
      config.external === undefined
        ? undefined
        : createRemoteJWKSet(new URL(config.external.jwksUrl), { cooldownDuration: config.external.jwksCooldownMs ?? 1_000 });
  }

  get config(): AuthConfig {
    return this.#config;
  }

  /**
   * Signs claims with the active local key; `ttlSeconds` from now (the clock's now). `options` set a
   * not-before time, or another issuer or audience (what a token meant for another system carries).
   */
  async sign(
    claims: Claims,
    ttlSeconds: number,
    options: { notBefore?: Date; issuer?: string; audience?: string } = {},
  ): Promise<{ token: string; expiresAt: Date }> {
    // The active key is read again every minute: another replica (or `innkeeper keys rotate`) may have rotated it.
    if (this.#active === undefined || Date.now() - this.#active.readAt > 60_000) {
      this.#active = { key: await this.#keyStore.active(this.#clock.now()), readAt: Date.now() };
    }
    const key = this.#active.key;
    const now = Math.floor(this.#clock.now().getTime() / 1000);
    const exp = now + ttlSeconds;
    const payload: Record<string, unknown> = { role: claims.role };
    if (claims.org !== undefined) payload.org = claims.org;
    if (claims.venues !== undefined) payload.venues = [...claims.venues];
    if (claims.booking !== undefined) payload.booking = claims.booking;
    if (claims.obo !== undefined) payload.obo = claims.obo;
    const jwt = new SignJWT(payload)
      .setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: 'JWT' })
      .setSubject(claims.sub)
      .setIssuer(options.issuer ?? LOCAL_ISSUER)
      .setAudience(options.audience ?? LOCAL_AUDIENCE)
      .setIssuedAt(now)
      .setExpirationTime(exp);
    if (options.notBefore !== undefined) jwt.setNotBefore(Math.floor(options.notBefore.getTime() / 1000));
    const token = await jwt.sign(await importJWK(key.privateJwk, 'EdDSA'));
    return { token, expiresAt: new Date(exp * 1000) };
  }

  /** The local keys that verify tokens now (published at /.well-known/jwks.json). */
  async jwks(): Promise<{ keys: JWK[] }> {
    await this.#keyStore.active(this.#clock.now());
    const keys = await this.#keyStore.verification(this.#clock.now(), RETIRED_KEY_VERIFIES_MS);
    return { keys: keys.map((k) => k.publicJwk) };
  }

  /** Retires the active key and starts signing with a new one (`innkeeper keys rotate`). */
  async rotate(): Promise<{ active: string; retired: string | undefined }> {
    const r = await this.#keyStore.rotate(this.#clock.now());
    this.forgetKeys();
    return { active: r.active.kid, retired: r.retired };
  }

  /** Forgets the cached keys (after a rotation in this process). */
  forgetKeys(): void {
    this.#keys = new Map();
    this.#keysReadAt = 0;
    this.#active = undefined;
  }

  async #localKey(kid: string): Promise<SigningKey | undefined> {
    const known = this.#keys.get(kid);
    if (known !== undefined) return known;
    // An unknown kid may be a key another replica just rotated in: read the keys again, at most once a
    // second. Callers that arrive while a read is in flight wait for it (the first tokens after a start).
    if (this.#keysLoading === undefined && Date.now() - this.#keysReadAt > 1000) {
      this.#keysReadAt = Date.now();
      this.#keysLoading = this.#keyStore
        .verification(this.#clock.now(), RETIRED_KEY_VERIFIES_MS)
        .then((keys) => {
          this.#keys = new Map(keys.map((k) => [k.kid, k]));
        })
        .finally(() => {
          this.#keysLoading = undefined;
        });
    }
    if (this.#keysLoading !== undefined) await this.#keysLoading;
    return this.#keys.get(kid);
  }

  /** Verifies a bearer token; throws TokenRefused naming why. */
  async verify(token: string): Promise<Verified> {
    let iss: string | undefined;
    try {
      decodeProtectedHeader(token);
      iss = decodeJwt(token).iss;
    } catch {
      throw new TokenRefused('malformed token');
    }
    const currentDate = this.#clock.now();
    try {
      if (iss === LOCAL_ISSUER) {
        const { payload } = await jwtVerify(
          token,
          async (header) => {
            const key = header.kid === undefined ? undefined : await this.#localKey(header.kid);
            if (key === undefined) throw new TokenRefused('unknown key id');
            return importJWK(key.publicJwk, 'EdDSA');
          },
          {
            issuer: LOCAL_ISSUER,
            audience: LOCAL_AUDIENCE,
            algorithms: ['EdDSA'],
            clockTolerance: CLOCK_SKEW_SECONDS,
            currentDate,
            requiredClaims: ['exp', 'sub'],
          },
        );
        return identityFromClaims(payload, true);
      }
      const external = this.#config.external;
      if (external !== undefined && this.#remote !== undefined && iss === external.issuer) {
        const { payload } = await jwtVerify(token, this.#remote, {
          issuer: external.issuer,
          audience: external.audience,
          algorithms: EXTERNAL_ALGORITHMS,
          clockTolerance: CLOCK_SKEW_SECONDS,
          currentDate,
          requiredClaims: ['exp', 'sub'],
        });
        return identityFromClaims(payload, false);
      }
      throw new TokenRefused('unknown issuer');
    } catch (err) {
      if (err instanceof TokenRefused) throw err;
      if (err instanceof joseErrors.JOSEError) throw new TokenRefused(`${err.code}: ${err.message}`);
      throw err;
    }
  }

  /** A guest token for one booking, valid until `validUntil` (at least a minute). */
  async guestToken(guestId: string, bookingId: string, validUntil: Date): Promise<string> {
    const ttl = Math.max(60, Math.floor((validUntil.getTime() - this.#clock.now().getTime()) / 1000));
    return (await this.sign({ sub: guestId, role: 'guest', booking: bookingId }, ttl)).token;
  }

  /** The Authorization header for calls to other services: SERVICE_TOKEN, or a service token minted and reused until near its expiry. */
  async serviceAuthorization(): Promise<string | undefined> {
    if (!this.#config.enabled) return undefined;
    if (this.#config.serviceToken !== undefined) return `Bearer ${this.#config.serviceToken}`;
    const now = this.#clock.now().getTime();
    if (this.#serviceToken === undefined || this.#serviceToken.exp - now < 300_000) {
      const { token, expiresAt } = await this.sign({ sub: 'innkeeper-service', role: 'service' }, 3600);
      this.#serviceToken = { value: token, exp: expiresAt.getTime() };
    }
    return `Bearer ${this.#serviceToken.value}`;
  }

  /** What the gateway forwards: the caller's own Authorization, or a token saying "an anonymous caller, through the gateway". */
  async gatewayAuthorization(callerAuthorization: string | undefined): Promise<string | undefined> {
    if (callerAuthorization !== undefined || !this.#config.enabled) return callerAuthorization;
    const now = this.#clock.now().getTime();
    if (this.#anonymousToken === undefined || this.#anonymousToken.exp - now < 300_000) {
      const { token, expiresAt } = await this.sign({ sub: 'gateway', role: 'service', obo: 'anonymous' }, 3600);
      this.#anonymousToken = { value: token, exp: expiresAt.getTime() };
    }
    return `Bearer ${this.#anonymousToken.value}`;
  }
}
