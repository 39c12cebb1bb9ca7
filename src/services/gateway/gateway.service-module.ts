/**
 * The gateway: the one address clients use. It answers `GET /`, forwards seed 001's `/booking/{path}` to
 * the booking service's `/bookings/{path}`, and — in a split deployment — forwards the paths of every
 * service this process does not run to that service's URLs (gateway.routes-table.ts), balanced over
 * replicas. It owns no tables. Access control (roles, tokens, rate limits) lands in a later issue; the
 * forwarding already carries the `authorization` that `deps.gatewayAuthorization` decides.
 */
import { SERVICE_NAMES, type ServiceName } from '../../platform/config.js';
import { platformError } from '../../platform/errors.js';
import type { App, ServiceModule } from '../../platform/http/app.js';
import { registerForwarding, type Upstream } from './gateway.forward.js';
import { FORWARDED_PREFIXES } from './gateway.routes-table.js';
import { gatewayRoutes } from './gateway.routes.js';

export const DEFAULT_GATEWAY_UPSTREAM_TIMEOUT_MS = 10_000;

export interface GatewayOptions {
  /** The services this process runs itself: their routes are here already, the gateway leaves them. */
  readonly localServices: readonly ServiceName[];
  /** The base URLs of each service run elsewhere (`<SERVICE>_URL`, several for replicas). */
  readonly upstreams: Readonly<Partial<Record<ServiceName, readonly string[]>>>;
  /** How long a forwarded request may wait for the service's answer before a 504 (GATEWAY_UPSTREAM_TIMEOUT_MS). */
  readonly upstreamTimeoutMs: number;
}

/** seed 001: `/booking`, `/booking/`, `/booking/{path}` → `/bookings…` of the booking service. */
const bookingCompat = (path: string) => `/bookings${path.slice('/booking'.length)}`;

/** A service neither run here nor given a URL: its paths answer 503 naming the variable to set. */
function registerUnconfigured(app: App, service: ServiceName, prefixes: readonly string[]): void {
  const variable = `${service.toUpperCase()}_URL`;
  app.log.warn({ service }, `gateway: ${variable} is not set; ${prefixes.join(', ')} answer 503`);
  for (const prefix of prefixes) {
    for (const url of [prefix, `${prefix}/*`]) {
      app.all(url, { schema: { hide: true } }, async () => {
        throw platformError('SERVICE_UNAVAILABLE', `The ${service} service is not reachable from this gateway (${variable} is not set).`, {
          service,
        });
      });
    }
  }
}

export function createGatewayService(options: GatewayOptions): ServiceModule {
  const upstream = (service: ServiceName): Upstream | undefined => {
    if (options.localServices.includes(service)) return { service, urls: 'local' };
    const urls = options.upstreams[service];
    return urls !== undefined && urls.length > 0 ? { service, urls } : undefined;
  };
  return {
    name: 'gateway',
    title: 'Gateway: the one address clients use; forwards to each service, balanced over its replicas',
    // The module shape asks for a schema; the gateway creates no table in it.
    migrations: { schema: 'gateway', migrations: {} },
    register: async (app, deps) => {
      gatewayRoutes(app);
      const timeoutMs = options.upstreamTimeoutMs;

      const booking = upstream('booking');
      if (booking === undefined) registerUnconfigured(app, 'booking', ['/booking']);
      else await registerForwarding(app, { upstream: booking, routes: [{ prefix: '/booking', rewrite: bookingCompat }], timeoutMs, deps });

      // Split deployment: every service this process does not run is reached through the gateway by its paths.
      for (const [service, prefixes] of Object.entries(FORWARDED_PREFIXES) as [ServiceName, readonly string[]][]) {
        if (options.localServices.includes(service)) continue;
        const target = upstream(service);
        if (target === undefined) registerUnconfigured(app, service, prefixes);
        else await registerForwarding(app, { upstream: target, routes: prefixes.map((prefix) => ({ prefix })), timeoutMs, deps });
      }
    },
  };
}

/** The gateway of the all-in-one process: every service is local; only `/` and `/booking/*` are its own. */
export const gatewayService: ServiceModule = createGatewayService({
  localServices: SERVICE_NAMES,
  upstreams: {},
  upstreamTimeoutMs: DEFAULT_GATEWAY_UPSTREAM_TIMEOUT_MS,
});
