/** What every scenario gets from the runner, and what it gives back. */
import type pg from 'pg';
import type { Check } from './checks.js';
import type { CpuUse } from './cpu.js';
import type { Hotels, Restaurant } from './fixtures.js';
import type { LatencySummary } from './stats.js';
import type { Platform } from './platform.js';
import type { Plan } from './replay.js';

export interface Durations {
  /** Measured seconds of a search run (per client count). */
  readonly searchS: number;
  readonly bookingS: number;
  readonly mixedS: number;
  readonly warmupS: number;
}

export interface BenchContext {
  readonly full: boolean;
  readonly durations: Durations;
  readonly platform: Platform;
  /** For checks and fixtures (not part of any measurement). */
  readonly pool: pg.Pool;
  /** The baseline's pool: as many connections as the platform's (DB_POOL_SIZE). */
  readonly baselinePool: pg.Pool;
  readonly databaseName: string;
  readonly today: string;
  readonly hotels: Hotels;
  readonly restaurant: Restaurant;
  readonly plans: { booking?: Plan; retail?: Plan };
  log(message: string): void;
  /** Runs `fn` while sampling the platform's RSS and everyone's CPU. */
  measure<T>(fn: () => Promise<T>): Promise<{ value: T; rss: { peakMb: number; meanMb: number }; cpu: CpuUse }>;
}

export interface Row {
  readonly scenario: string;
  readonly variant: string;
  /** 'platform' (over HTTP), 'db-alone' (the captured statements replayed with pg) or 'broker-alone' (the same AMQP client publishing straight to RabbitMQ). */
  readonly target: 'platform' | 'db-alone' | 'broker-alone';
  readonly clients: number;
  readonly requests: number;
  /** Requests (or bookings, or holds) per second. */
  readonly throughput: number;
  readonly latency: LatencySummary;
  /** For races: first request sent → last answer received. */
  readonly decidedMs?: number;
  /** Platform as a fraction of the database alone (throughput, or for races baseline time / platform time). */
  readonly ratio?: number;
  readonly rss?: { peakMb: number; meanMb: number };
  readonly cpu?: CpuUse;
  readonly outcomes: Record<string, number>;
}

export interface ScenarioResult {
  readonly name: string;
  readonly rows: Row[];
  readonly checks: Check[];
  readonly notes: string[];
}
