/**
 * The mechanics of a race: many requests started at once, and the answers counted by status. On
 * PostgreSQL the requests really run in parallel (the test pool has 10 connections); on PGlite they
 * queue on its one connection, which still interleaves every transaction's statements.
 */

/** Starts f(0), f(1), …, f(n − 1) without waiting for any, then waits for every answer (in order). */
export function atOnce<T>(n: number, f: (i: number) => Promise<T>): Promise<T[]> {
  return Promise.all(Array.from({ length: n }, (_, i) => f(i)));
}

/** How many of the answers have this status. */
export function countStatus(answers: readonly { readonly status: number }[], status: number): number {
  return answers.filter((a) => a.status === status).length;
}
