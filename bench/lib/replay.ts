/**
 * The database-alone baseline: the SQL statements the platform issued for one request, captured from a
 * separate platform process (capture-hook.ts), replayed straight at PostgreSQL with `pg` — no HTTP, no
 * application code between statements.
 *
 * Every value keeps its role in a replay:
 * - what the request names (room type, dates, product: `known`) becomes the replay's target;
 * - what the platform generated for the request (ids, keys, references, intent ids: the tokens that
 *   differ between captures of the same request) is generated afresh, the same fresh value wherever
 *   the captured one appeared (in a key, inside a JSON payload…);
 * - what the platform read from the database before using it (a stock item's id: a token seen first
 *   in a result row) is read from the replay's own result at the same row and column;
 * - everything else is sent as captured, and timestamps are moved to the present.
 *
 * A request that can be refused is captured winning (`win`) and refused (`lose`). The two agree up to
 * the deciding statement (the conditional UPDATE); the replay runs `win` and switches to `lose` when
 * the deciding statement's row count says the inventory was not there. Statements run on one
 * connection from BEGIN to COMMIT/ROLLBACK and each on a pooled connection otherwise, as the
 * platform's Kysely/pg pool does.
 */
import { randomInt, randomUUID } from 'node:crypto';
import type pg from 'pg';

export interface CapturedStatement {
  readonly connection: number;
  readonly text: string;
  readonly values: unknown[];
  readonly rowCount: number | null;
  readonly error: string | null;
  readonly rows: Record<string, unknown>[];
}

export interface Capture {
  readonly statements: CapturedStatement[];
  /** When it was captured (ms since epoch). */
  readonly at: number;
}

interface Derived {
  readonly token: string;
  readonly statement: number;
  readonly row: number;
  readonly column: string;
}

export interface Template {
  readonly statements: CapturedStatement[];
  readonly capturedAt: number;
  /** Role → captured value of what the request names (roomTypeId, checkIn, productId…). */
  readonly known: Record<string, string>;
  /**
   * Tokens the platform generated for this request, each with the characters that were the same in
   * every capture (a prefix like `pi_` or `BR-20261125-`): a fresh value keeps those.
   */
  readonly fresh: { token: string; keep: boolean[] }[];
  /** Tokens the platform read from the database first. */
  readonly derived: Derived[];
}

export interface Plan {
  readonly win: Template;
  readonly lose?: Template;
  /** Index of the deciding statement (present when `lose` is). */
  readonly decision?: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TOKEN = /[A-Za-z0-9_]+(?:-[A-Za-z0-9_]+)*/g;
const BEGIN = /^\s*(begin|start\s+transaction)\b/i;
const END = /^\s*(commit|rollback|end)\s*;?\s*$/i;

/** Tokens that can name something: not a date or a time fragment. */
function isIdentifier(token: string): boolean {
  return token.length >= 5 && !/^\d{4}-\d{2}-\d{2}/.test(token) && !/^\d+$/.test(token);
}

function tokensOf(value: unknown): string[] {
  if (typeof value === 'string') return value.match(TOKEN) ?? [];
  if (Array.isArray(value)) return value.flatMap(tokensOf);
  return [];
}

/**
 * A template from the capture used (`chosen`) and other captures of the same request with the same
 * statements (`others`): the tokens that differ between them are the generated ones.
 */
export function buildTemplate(chosen: Capture, others: readonly Capture[], known: Record<string, string>): Template {
  const knownValues = new Set(Object.values(known));
  const fresh = new Map<string, boolean[]>();
  const differs = (t: string, other: string | undefined) => {
    const keep = fresh.get(t) ?? Array.from(t, () => true);
    for (let c = 0; c < t.length; c++) if (other === undefined || other.length !== t.length || other[c] !== t[c]) keep[c] = false;
    fresh.set(t, keep);
  };
  const comparable = others.filter(
    (o) => o.statements.length === chosen.statements.length && o.statements.every((s, i) => s.text === chosen.statements[i]!.text),
  );
  chosen.statements.forEach((s, i) => {
    s.values.forEach((v, j) => {
      const mine = tokensOf(v);
      for (const other of comparable) {
        const theirs = tokensOf(other.statements[i]!.values[j]);
        const aligned = mine.length === theirs.length;
        const theirSet = new Set(theirs);
        mine.forEach((t, k) => {
          if (!isIdentifier(t)) return;
          if (aligned ? theirs[k] !== t : !theirSet.has(t)) differs(t, aligned ? theirs[k] : undefined);
        });
      }
      // Without a second capture to compare with, uuids are the generated values.
      if (comparable.length === 0) for (const t of mine) if (UUID.test(t)) differs(t, undefined);
    });
  });
  const seen = new Set<string>();
  const derived: Derived[] = [];
  const derivedTokens = new Set<string>();
  chosen.statements.forEach((s, i) => {
    for (const t of tokensOf(s.values)) seen.add(t);
    s.rows.forEach((row, r) => {
      for (const [column, v] of Object.entries(row)) {
        if (typeof v !== 'string' || !isIdentifier(v) || !/^[A-Za-z0-9_-]+$/.test(v)) continue;
        if (seen.has(v) || knownValues.has(v) || derivedTokens.has(v)) continue;
        derivedTokens.add(v);
        derived.push({ token: v, statement: i, row: r, column });
      }
    });
  });
  for (const v of [...knownValues, ...derivedTokens]) fresh.delete(v);
  return {
    statements: chosen.statements,
    capturedAt: chosen.at,
    known,
    fresh: [...fresh].map(([token, keep]) => ({ token, keep })),
    derived,
  };
}

/**
 * Where `win` and `lose` part, and the statement that decided it. The refused capture's tokens are
 * renamed to the winning capture's over their common statements (the same key, the same saga id), so
 * that a replay that switches from one to the other keeps naming the same rows.
 */
export function planOf(win: Template, lose?: Template): Plan {
  if (lose === undefined) return { win };
  let common = 0;
  while (
    common < win.statements.length &&
    common < lose.statements.length &&
    win.statements[common]!.text === lose.statements[common]!.text
  )
    common++;
  const aliases = new Map<string, string>();
  for (let k = 0; k < common; k++) {
    win.statements[k]!.values.forEach((wv, j) => {
      const w = tokensOf(wv);
      const l = tokensOf(lose.statements[k]!.values[j]);
      if (w.length !== l.length) return;
      l.forEach((t, i) => {
        if (t !== w[i] && !aliases.has(t)) aliases.set(t, w[i]!);
      });
    });
  }
  const renameString = (s: string) => s.replace(TOKEN, (m) => aliases.get(m) ?? m);
  const rename = (v: unknown): unknown => {
    if (typeof v === 'string') return renameString(v);
    if (Array.isArray(v)) return v.map(rename);
    return v;
  };
  const renamed: Template = {
    ...lose,
    statements: lose.statements.map((s) => ({ ...s, values: s.values.map(rename) })),
    fresh: lose.fresh.map((f) => ({ ...f, token: renameString(f.token) })),
    derived: lose.derived.map((d) => ({ ...d, token: renameString(d.token) })),
  };
  for (let k = common - 1; k >= 0; k--) {
    if (win.statements[k]!.rowCount !== lose.statements[k]!.rowCount) return { win, lose: renamed, decision: k };
  }
  throw new Error('the winning and the refused capture do not part at a statement whose row count differs');
}

/** What a replay is about: role → the value for this replay (roomTypeId, checkIn, productId…). */
export type Targets = Record<string, string>;

const DIGITS = '0123456789';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';

/**
 * The alphabet a generated token draws from, guessed from the characters that varied: hex, digits,
 * upper-case or lower-case codes, or any letter and digit.
 */
function alphabetOf(chars: string): string {
  if (/^[0-9]*$/.test(chars)) return DIGITS;
  if (/^[0-9a-f]*$/.test(chars)) return `${DIGITS}abcdef`;
  if (/^[0-9A-Z]*$/.test(chars)) return DIGITS + UPPER;
  if (/^[0-9a-z]*$/.test(chars)) return DIGITS + LOWER;
  return DIGITS + UPPER + LOWER;
}

/**
 * A fresh value shaped like `token`: a new uuid, or every letter and digit that varied between
 * captures drawn again from the alphabet those characters come from (so a booking reference stays
 * `BR-<date>-<6 of A-Z0-9>` and a short id 7 of A-Z0-9).
 */
function freshLike(token: string, keep: readonly boolean[] | undefined): string {
  if (UUID.test(token)) return randomUUID();
  const varies = (i: number) => keep?.[i] !== true && /[A-Za-z0-9]/.test(token[i]!);
  const alphabet = alphabetOf([...token].filter((_, i) => varies(i)).join(''));
  let out = '';
  for (let i = 0; i < token.length; i++) out += varies(i) ? alphabet[randomInt(alphabet.length)]! : token[i]!;
  return out;
}

/** One replay's substitutions. */
class Binding {
  readonly #map = new Map<string, string>();
  readonly #keep = new Map<string, boolean[]>();
  readonly #pattern: RegExp;

  constructor(
    templates: readonly Template[],
    targets: Targets,
    readonly shiftMs: number,
  ) {
    for (const t of templates) {
      for (const [role, captured] of Object.entries(t.known)) if (role in targets) this.#map.set(captured, targets[role]!);
    }
    for (const t of templates) for (const f of t.fresh) this.#keep.set(f.token, f.keep);
    const generated = templates.flatMap((t) => [...t.fresh.map((f) => f.token), ...t.derived.map((d) => d.token)]);
    const literals = [...new Set([...this.#map.keys(), ...generated])]
      .sort((a, b) => b.length - a.length)
      .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    this.#pattern = literals.length === 0 ? /(?!)/g : new RegExp(literals.join('|'), 'g');
  }

  /** A token read from the database in this replay. */
  bind(token: string, value: string): void {
    this.#map.set(token, value);
  }

  value(v: unknown): unknown {
    if (typeof v === 'string') {
      return v.replace(this.#pattern, (m) => {
        let to = this.#map.get(m);
        if (to === undefined) this.#map.set(m, (to = freshLike(m, this.#keep.get(m))));
        return to;
      });
    }
    if (Array.isArray(v)) return v.map((x) => this.value(x));
    if (v !== null && typeof v === 'object') {
      if ('$date' in v) return new Date(Date.parse((v as { $date: string }).$date) + this.shiftMs);
      if ('$hex' in v) return Buffer.from((v as { $hex: string }).$hex, 'hex');
    }
    return v;
  }
}

export interface ReplayResult {
  readonly path: 'win' | 'lose';
  /** Statements whose row count differed from the capture's (the deciding one excepted). */
  readonly divergent: number;
}

/** Replays one request's statements. */
export async function replay(pool: pg.Pool, plan: Plan, targets: Targets): Promise<ReplayResult> {
  const templates = plan.lose ? [plan.win, plan.lose] : [plan.win];
  const binding = new Binding(templates, targets, Date.now() - plan.win.capturedAt);
  let template = plan.win;
  let path: ReplayResult['path'] = 'win';
  let divergent = 0;
  const open = new Map<number, pg.PoolClient>();
  try {
    for (let i = 0; i < template.statements.length; i++) {
      const s = template.statements[i]!;
      let client = open.get(s.connection);
      if (client === undefined && BEGIN.test(s.text)) open.set(s.connection, (client = await pool.connect()));
      const values = s.values.map((v) => binding.value(v));
      let result: pg.QueryResult | undefined;
      try {
        result = client !== undefined ? await client.query(s.text, values) : await pool.query(s.text, values);
      } catch (err) {
        if (s.error === null) throw err;
      } finally {
        if (client !== undefined && END.test(s.text)) {
          client.release();
          open.delete(s.connection);
        }
      }
      for (const d of template.derived) {
        if (d.statement !== i) continue;
        const v = (result?.rows[d.row] as Record<string, unknown> | undefined)?.[d.column];
        if (typeof v === 'string') binding.bind(d.token, v);
      }
      const rowCount = result?.rowCount ?? null;
      if (plan.lose !== undefined && template === plan.win && i === plan.decision && rowCount !== s.rowCount) {
        // The inventory was not there: go on as the refused request did, on the same connections.
        const lose = plan.lose;
        for (const [connection, c] of [...open]) {
          let j = i;
          while (j > 0 && template.statements[j]!.connection !== connection) j--;
          open.delete(connection);
          open.set(lose.statements[j]!.connection, c);
        }
        template = lose;
        path = 'lose';
      } else if (s.error === null && rowCount !== s.rowCount) {
        divergent++;
      }
    }
  } finally {
    for (const c of open.values()) {
      await c.query('rollback').catch(() => undefined);
      c.release();
    }
  }
  return { path, divergent };
}

/** A short description of a template: statements, transactions, and each statement's first words. */
export function describe(template: Template): {
  statements: number;
  transactions: number;
  generated: number;
  readFromDatabase: number;
  outline: string[];
} {
  return {
    statements: template.statements.length,
    transactions: template.statements.filter((s) => BEGIN.test(s.text)).length,
    generated: template.fresh.length,
    readFromDatabase: template.derived.length,
    outline: template.statements.map((s) => s.text.replace(/\s+/g, ' ').trim().slice(0, 100)),
  };
}
