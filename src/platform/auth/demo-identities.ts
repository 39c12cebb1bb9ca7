/**
 * The demo data set's staff accounts (never loaded by any other data set): an admin, the manager of
 * the hotel group (the seven hotels and the shop) and the manager of the restaurants and the cafe,
 * all with the password `innkeeper-demo`, so that tenant isolation can be seen on the demo.
 */
import type { Clock } from '../clock.js';
import type { AuthDB } from './auth.tables.js';
import { hashPassword } from './passwords.js';
import { upsertStaffUser } from './staff-users.repository.js';

export const DEMO_PASSWORD = 'innkeeper-demo';

export const DEMO_IDENTITIES = [
  { email: 'admin@innkeeper.demo', role: 'admin', organizationId: undefined },
  { email: 'manager@demo-hotel-group.demo', role: 'business', organizationId: 'demo-hotel-group' },
  { email: 'manager@demo-dining.demo', role: 'business', organizationId: 'demo-dining' },
] as const;

export async function loadDemoIdentities(db: AuthDB, clock: Clock): Promise<void> {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  for (const who of DEMO_IDENTITIES) {
    await upsertStaffUser(db, { email: who.email, role: who.role, organizationId: who.organizationId, passwordHash }, clock.now());
  }
}
