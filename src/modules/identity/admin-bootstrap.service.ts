import { Injectable, Logger } from '@nestjs/common';
import { assertPasswordAcceptable, hashPassword } from './identity.passwords.js';
import { IdentityRepository } from './identity.repository.js';

export interface ProvisionInput {
  type: 'customer' | 'doctor' | 'staff';
  name: string;
  email: string;
  phone?: string;
  password: string;
  locale?: 'en' | 'ar';
  status?: 'active' | 'pending_approval';
  roles?: { role: string; branchId: string | null }[];
}

/** The first admin: from ADMIN_EMAIL/ADMIN_PASSWORD at boot when none exists, or `npm run cli -- create-admin`. */
@Injectable()
export class AdminBootstrapService {
  private readonly logger = new Logger('Identity');
  constructor(private readonly repo: IdentityRepository) {}

  async ensureAdmin(email: string, password: string, name = 'Administrator'): Promise<'created' | 'exists'> {
    if (await this.repo.anyAdmin()) return 'exists';
    return this.createAdmin(email, password, name);
  }

  async createAdmin(email: string, password: string, name = 'Administrator'): Promise<'created' | 'exists'> {
    const result = await this.provision({
      type: 'staff',
      name,
      email,
      password,
      roles: [{ role: 'admin', branchId: null }],
    });
    if (result === 'created') this.logger.log('admin account created');
    return result;
  }

  /** Creates an account unless its email or phone exists (idempotent; used by boot, the CLI and seeds). */
  async provision(input: ProvisionInput): Promise<'created' | 'exists'> {
    assertPasswordAcceptable(input.password, [input.email]);
    if (await this.repo.contactTaken(input.email, input.phone)) return 'exists';
    const passwordHash = await hashPassword(input.password);
    return this.repo.transaction(async (tx) => {
      const user = await this.repo.insertUser(
        {
          type: input.type,
          name: input.name,
          email: input.email.toLowerCase(),
          phone: input.phone ?? null,
          passwordHash,
          locale: input.locale ?? 'en',
          status: input.status ?? 'active',
          // Provisioned by the operator (boot, CLI, demo seed), who vouches for the contacts.
          phoneVerifiedAt: input.phone ? new Date() : null,
          emailVerifiedAt: new Date(),
        },
        tx,
      );
      if (!user) return 'exists';
      await this.repo.replaceRoles(user.id, input.roles ?? [], tx);
      return 'created';
    });
  }
}
