/**
 * Logger options shared by every process. Guest PII is removed by pino's redaction
 * (configured once here), never by hand at each call site.
 */
import type { LoggerOptions } from 'pino';
import type { LogLevel } from '../config.js';

/** Guest PII, and card data that must never be written anywhere. */
export const PII_FIELDS = [
  'guest_name',
  'guest_email',
  'guest_phone',
  'guestName',
  'guestEmail',
  'guestPhone',
  'card_number',
  'cvc',
] as const;

/** pino redaction paths are explicit about depth; cover PII at any depth a log object plausibly has. */
export function piiRedactionPaths(maxDepth = 6): string[] {
  const paths: string[] = [];
  for (const field of PII_FIELDS) {
    for (let depth = 0; depth <= maxDepth; depth++) {
      paths.push([...Array<string>(depth).fill('*'), field].join('.'));
    }
  }
  return paths;
}

export function loggerOptions(level: LogLevel): LoggerOptions {
  return {
    level,
    redact: { paths: piiRedactionPaths(), censor: '[REDACTED]' },
    base: { service: 'innkeeper' },
    timestamp: () => `,"time":"${new Date().toISOString()}"`,
  };
}
