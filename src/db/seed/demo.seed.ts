import type { INestApplication } from '@nestjs/common';
import type { Logger } from 'pino';
import { AdminBootstrapService, type ProvisionInput } from '../../modules/identity/index.js';
import { DB, type Db } from '../client.js';
import { seedDemoCatalog } from './catalog.seed.js';
import { seedDemoCommerce } from './commerce.seed.js';
import { seedDemoProviders } from './providers.seed.js';
import { seedDemoAvailability } from './availability.seed.js';
import { seedDemoCare } from './care.seed.js';
import { DEMO_BRANCH } from './demo-catalog.data.js';

/** The demo accounts listed in the README. Idempotent: existing accounts are left alone. */
export const DEMO_ACCOUNTS: ProvisionInput[] = [
  {
    type: 'staff',
    name: 'Demo Admin',
    email: 'admin@medyour.local',
    password: 'Nile-Pharma-2026!',
    roles: [{ role: 'admin', branchId: null }],
  },
  {
    type: 'staff',
    name: 'Demo Pharmacist',
    email: 'pharmacist@medyour.local',
    password: 'Nile-Dispense-2026!',
    // A branch-scoped role: the pharmacist acts at the three demo branches only.
    roles: Object.values(DEMO_BRANCH).map((branchId) => ({ role: 'pharmacist', branchId })),
  },
  {
    type: 'doctor',
    name: 'Dr. Demo Doctor',
    email: 'doctor@medyour.local',
    phone: '+201000000002',
    password: 'Nile-Clinic-2026!',
  },
  {
    type: 'customer',
    name: 'Demo Customer',
    email: 'customer@medyour.local',
    phone: '+201000000001',
    password: 'Nile-Health-2026!',
    locale: 'ar',
  },
];

/**
 * The demo catalogue, branches, stock and offer (catalog.seed.ts), the demo accounts, then the demo customer's
 * wallet credit and one completed order (commerce.seed.ts), specialties and three approved doctors
 * (providers.seed.ts) with weekly availability in Cairo (availability.seed.ts), so a newcomer can log in and
 * book, and the demo customer's past consultation with its signed prescription (care.seed.ts). Idempotent.
 */
export async function seedDemo(app: INestApplication, logger: Logger): Promise<void> {
  const rows = await seedDemoCatalog(app.get<Db>(DB));
  const accounts = app.get(AdminBootstrapService);
  let created = 0;
  for (const account of DEMO_ACCOUNTS) if ((await accounts.provision(account)) === 'created') created++;
  const commerce = await seedDemoCommerce(app);
  const providers = await seedDemoProviders(app);
  const availability = await seedDemoAvailability(app);
  const care = await seedDemoCare(app);
  if (created > 0 || rows > 0 || commerce > 0 || providers > 0 || availability > 0 || care > 0)
    logger.info({ accounts: created, catalogRows: rows, commerce, providers, availability, care }, 'demo data seeded');
  else logger.info('demo data already present');
}
