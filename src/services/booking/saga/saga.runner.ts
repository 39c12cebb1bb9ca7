/**
 * A small runner for sagas of declared steps. A saga is a list of steps, each `{ name, invoke,
 * compensate? }`; `invoke` makes the step's calls and returns its result (for the later steps, in
 * memory) and what its compensation and the recovery need (recorded). The runner records every
 * step in `booking.saga` before it moves on, so that a crash at any point leaves a record to finish
 * or undo from:
 *
 *   - forward: a step's local writes commit in one transaction with its record (`write`); the last
 *     step (or one that says so with `end`) ends the saga.
 *   - failure: a step that failed is undone with every step before it, newest first, unless its call
 *     is in doubt (`inDoubt`: the call may have taken effect and its answer was lost), in which case
 *     the saga stays running for the recovery job.
 *   - recovery: a saga recorded at or after its pivot step (the point of no return, e.g. an
 *     authorized card, which is never stored and cannot be asked for again) is finished; one before
 *     it is compensated. The step in flight may `probe` whether its call took effect (asking the
 *     other service by the call's key): what it finds is compensated too, or, at the pivot, carries
 *     the saga forward.
 *
 * Compensations read what they undo from the recorded data and do nothing when it shows nothing was
 * done, so running one for a step that never ran, or twice, is harmless. A compensation that throws
 * leaves the saga running (recovery retries it) and its error is the saga's; one that answers
 * 'unfinished' (it left its undo to a task that has not run yet) also leaves the saga running.
 *
 * Fault injection for the crash tests: with INNKEEPER_FAULT_CRASH_AFTER=<kind>:<step>, the process
 * kills itself (SIGKILL, no cleanup) right after that step is recorded (after the last step: after the
 * saga's end committed). Never set in production.
 */
import { randomUUID } from 'node:crypto';
import { crashPoint } from '../../../platform/faults.js';
import { markInDoubt } from '../../../platform/idempotency/in-doubt.js';
import type { BookingContext } from '../booking.context.js';
import type { BookingTrx } from '../booking.tables.js';
import { claimSaga, endSaga, findStuckSagas, insertSaga, recordStep, type SagaKind, type SagaRecord } from './saga.repository.js';

/** How a saga ended. */
export interface SagaEnd {
  readonly status: 'completed' | 'compensated';
  readonly outcome: string;
}

/** What a step sees of the saga it runs in. */
export interface Run<I, D extends object, S extends object> {
  readonly ctx: BookingContext;
  readonly sagaId: string;
  readonly bookingId: string;
  /** The caller's input on the first run; undefined in recovery (only the record survives a crash). */
  readonly input: I | undefined;
  /** The recorded data: what the steps so far left for their compensations and for the recovery. */
  readonly data: Readonly<D>;
  /** The results of this run's earlier steps (in memory: empty in recovery). */
  readonly state: Readonly<Partial<S>>;
  /** Records `patch` now, under the last recorded step: what recovery needs if the next call's answer is lost. */
  note(patch: Partial<D>): Promise<void>;
}

/** What a step's local writes add: more results, or the end of the saga. */
export interface Written<S> {
  readonly result?: Partial<S>;
  readonly end?: SagaEnd;
}

/** What a step did. */
export interface StepDone<D, S> {
  /** For the later steps of this run. */
  readonly result?: Partial<S>;
  /** Recorded with the step: what its compensation (or the recovery) needs. */
  readonly record?: Partial<D>;
  /** Local writes, committed in one transaction with the step's record (or with the saga's end). */
  readonly write?: (trx: BookingTrx) => Promise<Written<S> | void>;
  /** Ends the saga at this step. */
  readonly end?: SagaEnd;
}

/** What recovery learns of the step in flight at a crash: did its call take effect? */
export type Probe<D> =
  { readonly tookEffect: true; readonly record?: Partial<D> } | { readonly tookEffect: false; readonly outcome?: string };

export interface SagaStep<I, D extends object, S extends object> {
  readonly name: string;
  /** A step that does not apply to this run is skipped: nothing is called, nothing recorded. */
  readonly applies?: (run: Run<I, D, S>) => boolean;
  readonly invoke: (run: Run<I, D, S>) => Promise<StepDone<D, S>>;
  /** Undoes the step from the recorded data; a no-op when the data shows it did nothing. */
  readonly compensate?: (run: Run<I, D, S>, reason: string) => Promise<void | 'unfinished'>;
  /** The failed call may have taken effect (a lost answer): leave the saga running for recovery. */
  readonly inDoubt?: (err: unknown, run: Run<I, D, S>) => boolean;
  /** Why the saga is compensated when this step fails (default: the saga's `reasonOf`). */
  readonly failureReason?: (err: unknown) => string;
  /** In recovery, with this step in flight: asks whether its call took effect. Throws to retry later. */
  readonly probe?: (run: Run<I, D, S>) => Promise<Probe<D>>;
}

export interface SagaDefinition<I, D extends object, S extends object> {
  readonly kind: SagaKind;
  /** The step a saga is recorded at before its first step ran. */
  readonly initial: string;
  readonly steps: readonly SagaStep<I, D, S>[];
  /** The step from which on the saga goes forward only. */
  readonly pivot: (data: D) => string;
  /** Why the saga is compensated after a failed step. */
  readonly reasonOf: (err: unknown) => string;
  /** Why recovery compensates a saga that stopped after `step`. */
  readonly stoppedReason: (step: string) => string;
}

export type Settlement = 'completed' | 'compensated' | 'unchanged';

/** What the recovery job needs of a saga. */
export interface Recoverable {
  readonly kind: SagaKind;
  /** Brings one unfinished saga to an end from its record; 'unchanged' when it must be retried. */
  settle(ctx: BookingContext, record: SagaRecord): Promise<Settlement>;
}

export interface Saga<I, D extends object, S extends object> extends Recoverable {
  /** Records a new saga with `data` (under `sagaId`, or a fresh id) and runs it; answers the results of its steps. */
  start(ctx: BookingContext, bookingId: string, input: I, data: D, sagaId?: string): Promise<Partial<S>>;
}

class Running<I, D extends object, S extends object> implements Run<I, D, S> {
  readonly state: Partial<S> = {};

  constructor(
    readonly ctx: BookingContext,
    readonly sagaId: string,
    readonly bookingId: string,
    readonly input: I | undefined,
    readonly data: D,
    /** The last step recorded. */
    public recorded: string,
  ) {}

  async note(patch: Partial<D>): Promise<void> {
    Object.assign(this.data, patch);
    await recordStep(this.ctx.db, this.ctx.pii, this.sagaId, this.recorded, this.data, this.ctx.clock.now());
  }

  async end(db: BookingContext['db'] | BookingTrx, end: SagaEnd): Promise<void> {
    await endSaga(db, this.sagaId, end.status, end.outcome, this.ctx.clock.now());
  }
}

export function defineSaga<I, D extends object, S extends object>(def: SagaDefinition<I, D, S>): Saga<I, D, S> {
  const indexOf = (step: string): number => {
    if (step === def.initial) return -1;
    const i = def.steps.findIndex((s) => s.name === step);
    if (i < 0) throw new Error(`saga ${def.kind} has no step ${step}`);
    return i;
  };

  /** Runs step `i` and records it (or the saga's end); answers the end when the saga ended. */
  async function perform(run: Running<I, D, S>, i: number): Promise<SagaEnd | undefined> {
    const step = def.steps[i]!;
    const last = i === def.steps.length - 1;
    const done = await step.invoke(run);
    Object.assign(run.state, done.result);
    Object.assign(run.data, done.record);
    const { write } = done;
    const record = async (db: BookingContext['db'] | BookingTrx, end: SagaEnd | undefined): Promise<SagaEnd | undefined> => {
      const ending = end ?? (last ? { status: 'completed' as const, outcome: step.name } : undefined);
      if (ending !== undefined) await run.end(db, ending);
      else await recordStep(db, run.ctx.pii, run.sagaId, step.name, run.data, run.ctx.clock.now());
      return ending;
    };
    const end =
      write === undefined
        ? await record(run.ctx.db, done.end)
        : await run.ctx.db.transaction().execute(async (trx) => {
            const written = (await write(trx)) ?? {};
            Object.assign(run.state, written.result);
            return record(trx, written.end ?? done.end);
          });
    if (end === undefined) run.recorded = step.name;
    return end;
  }

  /** Undoes steps `through` … 0, newest first; ends the saga compensated unless an undo is unfinished (answers whether it ended). */
  async function backward(run: Running<I, D, S>, through: number, reason: string): Promise<boolean> {
    let finished = true;
    for (let i = through; i >= 0; i--) {
      if ((await def.steps[i]!.compensate?.(run, reason)) === 'unfinished') finished = false;
    }
    if (finished) await run.end(run.ctx.db, { status: 'compensated', outcome: reason });
    return finished;
  }

  /** Runs the steps from `from` on until the saga ends; a failed step is undone with those before it. */
  async function forward(run: Running<I, D, S>, from: number): Promise<void> {
    for (let i = from; i < def.steps.length; i++) {
      const step = def.steps[i]!;
      if (step.applies !== undefined && !step.applies(run)) continue;
      let end: SagaEnd | undefined;
      try {
        end = await perform(run, i);
      } catch (err) {
        // Left running for recovery: the caller must not start the same work again (in-doubt.ts).
        if (step.inDoubt?.(err, run) === true) throw markInDoubt(err);
        let finished: boolean;
        try {
          finished = await backward(run, i, step.failureReason?.(err) ?? def.reasonOf(err));
        } catch (undoErr) {
          throw markInDoubt(undoErr); // an undo that failed leaves the saga running too
        }
        throw finished ? err : markInDoubt(err); // so does one left to a task not yet run
      }
      crashPoint(`${def.kind}:${step.name}`);
      if (end !== undefined) return;
    }
  }

  return {
    kind: def.kind,

    async start(ctx, bookingId, input, data, sagaId = randomUUID()) {
      await insertSaga(ctx.db, ctx.pii, { id: sagaId, bookingId, kind: def.kind, step: def.initial, data, at: ctx.clock.now() });
      const run = new Running<I, D, S>(ctx, sagaId, bookingId, input, data, def.initial);
      await forward(run, 0);
      return run.state;
    },

    async settle(ctx, record) {
      if (record.status !== 'running') return 'unchanged';
      // One settlement at a time: another (the recovery job, or a client's retry) that read it first wins.
      if (!(await claimSaga(ctx.db, record.id, record.updated_at, ctx.clock.now()))) return 'unchanged';
      // The record's data was written by this runner from a D.
      const run = new Running<I, D, S>(ctx, record.id, record.booking_id, undefined, { ...record.data } as D, record.step);
      try {
        const at = indexOf(record.step);
        const pivot = indexOf(def.pivot(run.data));
        if (at >= pivot) {
          await forward(run, at + 1);
          return 'completed';
        }
        // The step after the record may have been in flight: undo it too, unless it says it did nothing.
        let through = at + 1;
        let reason = def.stoppedReason(record.step);
        const inFlight = def.steps[at + 1];
        if (inFlight?.probe !== undefined) {
          const found = await inFlight.probe(run);
          if (found.tookEffect) {
            Object.assign(run.data, found.record);
            if (at + 1 >= pivot) {
              await forward(run, at + 2);
              return 'completed';
            }
          } else {
            through = at;
            if (found.outcome !== undefined) reason = found.outcome;
          }
        }
        await backward(run, through, reason);
        return 'compensated';
      } catch (err) {
        ctx.log?.warn({ err, saga: record.id }, 'saga recovery failed; it will be retried');
        return 'unchanged';
      }
    },
  };
}

/** The recovery job: running sagas untouched for `sagaRecoveryAfterMs` are finished or compensated. */
export async function recoverStuckSagas(
  ctx: BookingContext,
  sagas: readonly Recoverable[],
  limit = 100,
): Promise<{ completed: number; compensated: number; pending: number }> {
  const cutoff = new Date(ctx.clock.now().getTime() - ctx.sagaRecoveryAfterMs);
  const stuck = await findStuckSagas(ctx.db, ctx.pii, cutoff, limit);
  const result = { completed: 0, compensated: 0, pending: 0 };
  for (const record of stuck) {
    const saga = sagas.find((s) => s.kind === record.kind);
    const outcome = saga === undefined ? 'unchanged' : await saga.settle(ctx, record);
    if (outcome === 'completed') result.completed++;
    else if (outcome === 'compensated') result.compensated++;
    else result.pending++;
  }
  return result;
}
