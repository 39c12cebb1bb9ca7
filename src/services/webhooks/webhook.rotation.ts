/**
 * Endpoint secrets are sealed with the platform's PII keys, so a key rotation (`innkeeper keys
 * rotate-pii`) must move them to the new key before it retires the old one, or deliveries could no
 * longer be signed. These are the two steps it needs: which keys the secrets use, and resealing
 * every secret not under the current key (idempotent; a secret rotated meanwhile is left alone, it is
 * already under the current key).
 */
import type { PiiVault } from '../../platform/pii/pii-vault.js';
import * as repo from './webhook.repository.js';
import { SECRET_FIELD } from './webhook.service.js';
import type { WebhookDb } from './webhook.tables.js';

export const webhookSecretKeyUse = (db: WebhookDb) => repo.secretKeyUse(db);

export async function resealWebhookSecrets(db: WebhookDb, vault: PiiVault): Promise<{ scanned: number; resealed: number }> {
  const behind = await repo.secretsNotUnder(db, vault.ring.current.id);
  let resealed = 0;
  for (const e of behind) {
    const now = {
      secret: vault.seal(SECRET_FIELD, vault.open(SECRET_FIELD, e.secret)),
      previousSecret: e.previousSecret === null ? null : vault.seal(SECRET_FIELD, vault.open(SECRET_FIELD, e.previousSecret)),
    };
    if (await repo.replaceSealedSecrets(db, e.id, e, now)) resealed++;
  }
  return { scanned: behind.length, resealed };
}
