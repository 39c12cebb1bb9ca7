/**
 * Loaded (through capture-hook.mjs) into a separate platform process, never the one under test:
 * records every SQL statement node-postgres sends — text, parameters, connection, row count — between
 * a `capture-start` and a `capture-stop` message on the IPC channel, so that the baseline can replay
 * exactly the statements the service issues for one request.
 */
import pg from 'pg';
import type { CapturedStatement } from './replay.js';

type Query = (this: pg.Client, ...args: unknown[]) => unknown;

const proto = pg.Client.prototype as unknown as { query: Query };
const original = proto.query;
const connectionIds = new WeakMap<object, number>();
let nextConnection = 1;
let recording: CapturedStatement[] | null = null;
/** Rows kept per statement: enough to see which values a request reads from the database. */
const ROWS_KEPT = 20;

function serialize(value: unknown): unknown {
  if (value instanceof Date) return { $date: value.toISOString() };
  if (Array.isArray(value)) return value.map(serialize);
  if (Buffer.isBuffer(value)) return { $hex: value.toString('hex') };
  return value;
}

function serializeRow(row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, serialize(v)]));
}

proto.query = function query(this: pg.Client, ...args: unknown[]): unknown {
  const [text, values, callback] = args;
  if (recording === null || typeof text !== 'string' || typeof values === 'function' || typeof callback === 'function') {
    return original.apply(this, args);
  }
  let id = connectionIds.get(this);
  if (id === undefined) connectionIds.set(this, (id = nextConnection++));
  const entry: { -readonly [K in keyof CapturedStatement]: CapturedStatement[K] } = {
    connection: id,
    text,
    values: ((values as unknown[] | undefined) ?? []).map(serialize),
    rowCount: null,
    error: null,
    rows: [],
  };
  recording.push(entry);
  return (original.call(this, text, values) as Promise<pg.QueryResult>).then(
    (result) => {
      entry.rowCount = result.rowCount ?? null;
      entry.rows = (result.rows ?? []).slice(0, ROWS_KEPT).map((r) => serializeRow(r as Record<string, unknown>));
      return result;
    },
    (err: unknown) => {
      entry.error = (err as { code?: string }).code ?? String((err as Error).message);
      throw err;
    },
  );
};

if (typeof process.send === 'function') {
  const send = process.send.bind(process);
  process.on('message', (message: { type?: string } | null) => {
    if (message?.type === 'capture-start') {
      recording = [];
      send({ type: 'capture-started' });
    } else if (message?.type === 'capture-stop') {
      const statements = recording ?? [];
      recording = null;
      send({ type: 'captured', statements });
    }
  });
  process.channel?.unref();
}
