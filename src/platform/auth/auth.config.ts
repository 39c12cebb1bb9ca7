/**
 * Access-control settings from the environment, validated at start-up.
 *
 * INNKEEPER_AUTH      on (default) | off — off turns every check off, for a trusted network only
 * AUTH_JWKS_URL       an external identity provider's JWKS (with AUTH_ISSUER and AUTH_AUDIENCE)
 * AUTH_ISSUER         that provider's `iss`
 * AUTH_AUDIENCE       the `aud` its tokens carry for Innkeeper
 * AUTH_TOKEN_TTL_SECONDS  lifetime of the staff tokens Innkeeper issues (default 3600)
 * SERVICE_TOKEN       a token services present to each other instead of minting one from the local key
 */
import { ConfigError } from '../config.js';

/** Innkeeper's own issuer and audience (the local Ed25519 key signs its tokens). */
export const LOCAL_ISSUER = 'innkeeper';
export const LOCAL_AUDIENCE = 'innkeeper';

export interface ExternalIssuer {
  readonly jwksUrl: string;
  readonly issuer: string;
  readonly audience: string;
  /** At most one JWKS refetch (on an unknown `kid`) per this many ms (default 1000). */
  readonly jwksCooldownMs?: number;
}

export interface AuthConfig {
  readonly enabled: boolean;
  readonly external: ExternalIssuer | undefined;
  readonly tokenTtlSeconds: number;
  readonly serviceToken: string | undefined;
}

type Env = Readonly<Record<string, string | undefined>>;

export function loadAuthConfig(env: Env = process.env): AuthConfig {
  const raw = (env.INNKEEPER_AUTH?.trim() || 'on').toLowerCase();
  if (raw !== 'on' && raw !== 'off')
    throw new ConfigError('INNKEEPER_AUTH', `must be "on" or "off" (got ${JSON.stringify(env.INNKEEPER_AUTH)})`);

  const jwksUrl = env.AUTH_JWKS_URL?.trim() || undefined;
  let external: ExternalIssuer | undefined;
  if (jwksUrl !== undefined) {
    let url: URL;
    try {
      url = new URL(jwksUrl);
    } catch {
      throw new ConfigError('AUTH_JWKS_URL', `must be an http(s) URL (got ${JSON.stringify(jwksUrl)})`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ConfigError('AUTH_JWKS_URL', 'must be an http(s) URL');
    const issuer = env.AUTH_ISSUER?.trim();
    const audience = env.AUTH_AUDIENCE?.trim();
    if (!issuer) throw new ConfigError('AUTH_ISSUER', 'must be set with AUTH_JWKS_URL (the `iss` of the provider’s tokens)');
    if (!audience) throw new ConfigError('AUTH_AUDIENCE', 'must be set with AUTH_JWKS_URL (the `aud` its tokens carry)');
    if (issuer === LOCAL_ISSUER) throw new ConfigError('AUTH_ISSUER', `must differ from Innkeeper's own issuer "${LOCAL_ISSUER}"`);
    external = { jwksUrl, issuer, audience };
  }

  const ttlRaw = env.AUTH_TOKEN_TTL_SECONDS?.trim();
  let tokenTtlSeconds = 3600;
  if (ttlRaw) {
    if (!/^\d+$/.test(ttlRaw) || Number(ttlRaw) < 60 || Number(ttlRaw) > 86_400) {
      throw new ConfigError('AUTH_TOKEN_TTL_SECONDS', `must be an integer between 60 and 86400 (got ${JSON.stringify(ttlRaw)})`);
    }
    tokenTtlSeconds = Number(ttlRaw);
  }
  const serviceToken = env.SERVICE_TOKEN?.trim() || undefined;
  return { enabled: raw === 'on', external, tokenTtlSeconds, serviceToken };
}
