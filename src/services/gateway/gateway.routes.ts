/** The gateway's own answer at `/` (seed 001: "Health check for the gateway"). */
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { App } from '../../platform/http/app.js';

export const GATEWAY_RUNNING = { message: 'API Gateway is running' } as const;

const RootReply = Type.Object({ message: Type.Literal(GATEWAY_RUNNING.message) });

/**
 * Whether the caller asks for a web page (a browser: `Accept` names `text/html`). The web UI (a later
 * issue) redirects such callers to it from `GET /`; until then they get the JSON like every client.
 */
export function wantsHtml(request: FastifyRequest): boolean {
  const accept = request.headers.accept;
  return typeof accept === 'string' && accept.toLowerCase().includes('text/html');
}

export function gatewayRoutes(app: App): void {
  app.get(
    '/',
    {
      schema: {
        tags: ['gateway'],
        summary: 'The gateway is running (seed 001)',
        response: { 200: RootReply },
      },
    },
    async (request) => {
      if (wantsHtml(request)) {
        // The web-UI issue redirects browsers to the UI here.
        return GATEWAY_RUNNING;
      }
      return GATEWAY_RUNNING;
    },
  );
}
