/**
 * Fault injection for the crash tests: with INNKEEPER_FAULT_CRASH_AFTER=<name>, the process kills
 * itself (SIGKILL: no cleanup, no flush) when it reaches the point of that name. Points are named by
 * what just happened (`create:authorized`, `change:captured`, `task:refund_payment`, …); the README
 * lists them. Never set in production.
 */
export function crashPoint(name: string): void {
  if (process.env.INNKEEPER_FAULT_CRASH_AFTER === name) process.kill(process.pid, 'SIGKILL');
}
