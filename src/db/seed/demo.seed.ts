import type { INestApplication } from '@nestjs/common';
import type { Logger } from 'pino';
import { AdminBootstrapService, type ProvisionInput } from '../../modules/identity/index.js';

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
    roles: [{ role: 'pharmacist', branchId: null }],
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

export async function seedDemo(app: INestApplication, logger: Logger): Promise<void> {
  const accounts = app.get(AdminBootstrapService);
  let created = 0;
  for (const account of DEMO_ACCOUNTS) if ((await accounts.provision(account)) === 'created') created++;
  if (created > 0) logger.info({ created }, 'demo data seeded');
}
