/**
 * Who may call a route. Each route declares its roles in `config.roles`; the gateway's auth (a later
 * issue) enforces them. The declaration lives with the route so that it cannot drift from it.
 */
export const ROLES = ['guest', 'business', 'admin', 'service'] as const;
export type Role = (typeof ROLES)[number];

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Roles allowed to call this route; absent means public (health, docs, compatibility surfaces). */
    roles?: readonly Role[];
  }
}
