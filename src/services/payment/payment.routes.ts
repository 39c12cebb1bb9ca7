/** /api/v1/payments: HTTP in, use-case calls, HTTP out. Every mutation takes an Idempotency-Key. */
import type { FastifyRequest } from 'fastify';
import type { App } from '../../platform/http/app.js';
import { headerKeyOf, sendOnce } from '../../platform/http/idempotent.js';
import { ErrorReply, IdempotencyHeaders, replies } from '../../platform/http/schemas.js';
import { scopedKey, type Output } from '../../platform/idempotency/once.js';
import { intentScope } from './payment.access.js';
import type { PaymentIntent, Refund } from './payment.model.js';
import {
  AuthorizeBody,
  CancelBody,
  CaptureBody,
  CreateIntentBody,
  IntentList,
  IntentParams,
  IntentReply,
  LedgerReply,
  ListQuery,
  RefundBody,
  RefundList,
  RefundReply,
  intentToReply,
  ledgerToReply,
  refundToReply,
} from './payment.schemas.js';
import {
  authorizeIntent,
  cancelIntent,
  captureIntent,
  createIntent,
  findIntents,
  getIntent,
  getLedger,
  getRefunds,
  refundIntent,
  type PaymentContext,
} from './payment.service.js';

const tags = ['payment'];
/** The booking saga (service) and back-office staff (admin) move money; nobody else. */
const roles = ['service', 'admin'] as const;
/** A business user also reads the intents of its organization's venues (payment.access.ts); nobody else reads any. */
const readers = ['business', 'service', 'admin'] as const;

/** The caller's key, scoped per principal, operation and intent (every caller is anonymous until the gateway names one). */
const keyOf = (request: FastifyRequest, operation: string) => scopedKey(`anonymous:payment.${operation}`, headerKeyOf(request));

/** An intent answered with `status`, once per the request's key for `operation`. */
function intentOutput(request: FastifyRequest, operation: string, status: number): Output<PaymentIntent, IntentReply> {
  return { render: (intent) => ({ status, body: intentToReply(intent) }), key: keyOf(request, operation) };
}

function refundOutput(request: FastifyRequest, operation: string): Output<Refund, RefundReply> {
  return { render: (refund) => ({ status: 201, body: refundToReply(refund) }), key: keyOf(request, operation) };
}

export function paymentRoutes(app: App, ctx: PaymentContext): void {
  /** Whose intents the caller reads: for a business user, its venues, asked of inventory before the query. */
  const scopeOf = (request: FastifyRequest) => intentScope(ctx.venues, request.identity);

  // capture, cancel and refunds may be sent without a body: it means `{}` (every field is optional).
  // (This scope is the payment service's own, so the hook touches no other service's routes.)
  app.addHook('preValidation', async (request) => {
    if (request.method === 'POST' && request.body === undefined) request.body = {};
  });

  app.post(
    '/api/v1/payments/intents',
    {
      schema: {
        tags,
        summary: 'Create a payment intent (requires_payment_method)',
        headers: IdempotencyHeaders,
        body: CreateIntentBody,
        response: replies({ 201: IntentReply }),
      },
      config: { roles },
    },
    async (request, reply) => {
      const b = request.body;
      return sendOnce(reply, () =>
        createIntent(
          ctx,
          {
            amount: b.amount,
            currency: b.currency,
            bookingId: b.booking_id,
            venueId: b.venue_id,
            description: b.description,
            metadata: b.metadata,
          },
          intentOutput(request, 'create', 201),
        ),
      );
    },
  );

  app.get(
    '/api/v1/payments/intents',
    {
      schema: {
        tags,
        summary: 'List payment intents, oldest first (of one booking with booking_id; a business user: its venues’ only)',
        querystring: ListQuery,
        response: replies({ 200: IntentList }),
      },
      config: { roles: readers },
    },
    async (request) => {
      const scope = await scopeOf(request);
      const intents = await findIntents(ctx, { bookingId: request.query.booking_id, limit: request.query.limit ?? 100 }, scope);
      return { intents: intents.map(intentToReply) };
    },
  );

  app.get(
    '/api/v1/payments/intents/:intent_id',
    {
      schema: { tags, summary: 'Read a payment intent', params: IntentParams, response: replies({ 200: IntentReply }) },
      config: { roles: readers },
    },
    async (request) => intentToReply(await getIntent(ctx, request.params.intent_id, await scopeOf(request))),
  );

  app.post(
    '/api/v1/payments/intents/:intent_id/authorize',
    {
      schema: {
        tags,
        summary:
          'Authorize the full amount on a card → requires_capture, or 402 PAYMENT_DECLINED (the intent stays requires_payment_method)',
        params: IntentParams,
        headers: IdempotencyHeaders,
        body: AuthorizeBody,
        response: { ...replies({ 200: IntentReply }), 402: ErrorReply },
      },
      config: { roles },
    },
    async (request, reply) => {
      const pm = request.body.payment_method;
      const card = { number: pm.card_number, expMonth: pm.exp_month, expYear: pm.exp_year, cvc: pm.cvc };
      const id = request.params.intent_id;
      return sendOnce(reply, () => authorizeIntent(ctx, id, card, intentOutput(request, `authorize:${id}`, 200)));
    },
  );

  app.post(
    '/api/v1/payments/intents/:intent_id/capture',
    {
      schema: {
        tags,
        summary: 'Capture all or part of the authorization → succeeded (a partial capture releases the rest)',
        params: IntentParams,
        headers: IdempotencyHeaders,
        body: CaptureBody,
        response: replies({ 200: IntentReply }),
      },
      config: { roles },
    },
    async (request, reply) => {
      const id = request.params.intent_id;
      return sendOnce(reply, () => captureIntent(ctx, id, request.body.amount, intentOutput(request, `capture:${id}`, 200)));
    },
  );

  app.post(
    '/api/v1/payments/intents/:intent_id/cancel',
    {
      schema: {
        tags,
        summary: 'Cancel an intent not yet captured (voids the authorization) → canceled',
        params: IntentParams,
        headers: IdempotencyHeaders,
        body: CancelBody,
        response: replies({ 200: IntentReply }),
      },
      config: { roles },
    },
    async (request, reply) => {
      const id = request.params.intent_id;
      return sendOnce(reply, () => cancelIntent(ctx, id, request.body.reason, intentOutput(request, `cancel:${id}`, 200)));
    },
  );

  app.post(
    '/api/v1/payments/intents/:intent_id/refunds',
    {
      schema: {
        tags,
        summary: 'Refund all or part of what was captured and not yet refunded',
        params: IntentParams,
        headers: IdempotencyHeaders,
        body: RefundBody,
        response: replies({ 201: RefundReply }),
      },
      config: { roles },
    },
    async (request, reply) => {
      const id = request.params.intent_id;
      const { amount, reason } = request.body;
      const actor = { id: request.identity?.sub ?? 'anonymous', role: request.identity?.role ?? 'anonymous' };
      const audit = { actor, requestId: String(request.id) };
      return sendOnce(reply, () => refundIntent(ctx, id, { amount, reason, ...audit }, refundOutput(request, `refund:${id}`)));
    },
  );

  app.get(
    '/api/v1/payments/intents/:intent_id/refunds',
    {
      schema: { tags, summary: 'The refunds of an intent, oldest first', params: IntentParams, response: replies({ 200: RefundList }) },
      config: { roles: readers },
    },
    async (request) => ({ refunds: (await getRefunds(ctx, request.params.intent_id, await scopeOf(request))).map(refundToReply) }),
  );

  app.get(
    '/api/v1/payments/intents/:intent_id/ledger',
    {
      schema: {
        tags,
        summary: 'The ledger of an intent: its entries and what they add up to',
        params: IntentParams,
        response: replies({ 200: LedgerReply }),
      },
      config: { roles: readers },
    },
    async (request) => {
      const l = await getLedger(ctx, request.params.intent_id, await scopeOf(request));
      return ledgerToReply(l.intent, l.entries, l.totals, l.balanced);
    },
  );
}
