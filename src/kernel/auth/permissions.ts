/** Every permission string the application knows. Routes name one with @Can(); roles are sets of them. */
export const PERMISSIONS = [
  'profile:read',
  'profile:write',
  'files:read',
  'files:write',
  'users:read',
  'users:write',
  'staff:write',
  'roles:write',
  'doctors:approve',
  'providers:write',
  'practice:write',
  'audit:read',
  'catalog:write',
  'branches:write',
  'stock:read',
  'stock:write',
  'stock:adjust',
  'orders:read',
  'orders:write',
  'orders:refund',
  'prescriptions:verify',
  'prescriptions:dispense',
  'offers:write',
  // Staff working the support queue (support.admin.controller): read, and reply, note, assign, transition.
  'tickets:read',
  'tickets:write',
  // One's own support tickets (every account: a doctor or staff member may need help too).
  'support:use',
  'wallet:read',
  'wallet:adjust',
  'cart:read',
  'cart:write',
  'appointments:read',
  'appointments:write',
  'prescriptions:read',
  // The job queue's dead letters: list failed jobs and run them again (admins only).
  'jobs:manage',
  // Plans on offer: create and change them (admins only).
  'plans:write',
  // One's own plan subscription: subscribe, read, cancel (every account; another's answers 404).
  'subscriptions:use',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

// Every account may read its own wallet and fill its own cart (a doctor or staff member may buy too; a wallet
// or a cart names no one else).
const SELF: Permission[] = [
  'profile:read',
  'profile:write',
  'files:read',
  'files:write',
  'wallet:read',
  'cart:read',
  'cart:write',
  // A patient's own bookings (a doctor may see another doctor too).
  'appointments:read',
  'appointments:write',
  // A patient's own e-prescriptions; others' only as their doctor or their pharmacist (the service's check).
  'prescriptions:read',
  // A customer's own tickets; others' answer 404 (the service's check).
  'support:use',
  'subscriptions:use',
];

/** Implicit role of each account type, and the staff roles an admin assigns. */
export const ROLE_PERMISSIONS = {
  customer: SELF,
  // A doctor keeps their own practice (profile, availability): always their own, never another doctor's.
  doctor: [...SELF, 'practice:write'],
  admin: [...PERMISSIONS],
  pharmacist: [...SELF, 'stock:read', 'orders:read', 'orders:write', 'prescriptions:verify', 'prescriptions:dispense'],
  branch_manager: [
    ...SELF,
    'stock:read',
    'stock:write',
    'stock:adjust',
    'orders:read',
    'orders:write',
    'orders:refund',
    'users:read',
  ],
  support_agent: [...SELF, 'orders:read', 'tickets:read', 'tickets:write', 'users:read'],
  catalog_manager: [...SELF, 'catalog:write', 'offers:write', 'stock:read'],
} as const satisfies Record<string, readonly Permission[]>;

export type RoleName = keyof typeof ROLE_PERMISSIONS;
export const STAFF_ROLES = ['admin', 'pharmacist', 'branch_manager', 'support_agent', 'catalog_manager'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];
/** Roles whose power is limited to the branches named in the assignment. */
export const BRANCH_SCOPED_ROLES: readonly StaffRole[] = ['pharmacist', 'branch_manager'];
