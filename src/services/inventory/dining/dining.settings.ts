/**
 * A dining venue's settings as the domain sees them, their defaults, and the checks a new set must
 * pass. The database backs each field with a CHECK; these checks exist for clear messages.
 */
import { isCalendarDate } from '../../../platform/dates.js';
import { platformError } from '../../../platform/errors.js';
import type { VenueType } from '../inventory.tables.js';
import { describeInterval, overlappingIntervals, type DurationRule, type OpeningInterval, type SlotSettings } from './slots.domain.js';

export interface DiningSettings extends SlotSettings {
  /** Minutes a table stays blocked after a seating ends (cleaning, resetting). */
  readonly bufferMinutes: number;
  /** At most this many new covers may start in one slot; null: no pacing. */
  readonly pacingCovers: number | null;
  /** False while the venue has never been given settings (the defaults, and no opening hours). */
  readonly configured: boolean;
  readonly updatedAt: Date | null;
}

export const DEFAULT_SLOT_MINUTES = 15;
export const DEFAULT_BUFFER_MINUTES = 0;

/** How long a party sits when no rule says otherwise: restaurant 2 h, cafe 1 h. */
export function defaultDurationFor(type: VenueType): number {
  return type === 'cafe' ? 60 : 120;
}

/** The settings of a venue that has none yet: default durations, and closed (no opening hours). */
export function unconfiguredSettings(type: VenueType): DiningSettings {
  return {
    slotMinutes: DEFAULT_SLOT_MINUTES,
    defaultDurationMinutes: defaultDurationFor(type),
    durationRules: [],
    bufferMinutes: DEFAULT_BUFFER_MINUTES,
    pacingCovers: null,
    hours: [],
    closedDates: new Set(),
    configured: false,
    updatedAt: null,
  };
}

export interface SettingsInput {
  readonly slotMinutes: number;
  readonly defaultDurationMinutes: number;
  readonly durationRules: readonly DurationRule[];
  readonly bufferMinutes: number;
  readonly pacingCovers: number | null;
  readonly hours: readonly OpeningInterval[];
  readonly closedDates: readonly string[];
}

/** Refuses a set of settings that the schema accepts but that makes no sense together. */
export function checkSettings(input: SettingsInput): void {
  const fail = (message: string, details?: unknown) => {
    throw platformError('VALIDATION_FAILED', message, details);
  };
  if (input.slotMinutes < 5 || input.slotMinutes > 120 || 1440 % input.slotMinutes !== 0) {
    fail(`slot_minutes must divide a day evenly (5, 10, 15, 20, 30, 60, …, 120); got ${input.slotMinutes}.`);
  }
  const parties = input.durationRules.map((r) => r.maxParty);
  if (new Set(parties).size !== parties.length) fail('durations: two rules have the same max_party.');
  const overlaps = overlappingIntervals(input.hours);
  if (overlaps.length > 0) fail(`Opening hours overlap: ${overlaps[0]!.message}.`, overlaps);
  for (const h of input.hours) {
    if (h.closes - h.opens < 15) fail(`Opening interval ${describeInterval(h)} is shorter than 15 minutes.`);
  }
  for (const d of input.closedDates) if (!isCalendarDate(d)) fail(`closed_dates: ${JSON.stringify(d)} is not a calendar date.`);
}
