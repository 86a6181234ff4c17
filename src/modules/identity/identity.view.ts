import type { UserView } from './identity.dto.js';
import type { RoleRow, UserRow } from './identity.repository.js';

export function toUserView(user: UserRow, roles: RoleRow[]): UserView {
  const own = roles.filter((r) => r.userId === user.id);
  const names =
    user.type === 'staff' ? [...new Set(own.map((r) => r.role))] : [user.type, ...new Set(own.map((r) => r.role))];
  return {
    id: user.id,
    type: user.type,
    name: user.name,
    email: user.email,
    phone: user.phone,
    phoneVerified: user.phoneVerifiedAt !== null,
    emailVerified: user.emailVerifiedAt !== null,
    locale: user.locale === 'ar' ? 'ar' : 'en',
    status: user.status,
    roles: names,
    roleAssignments: own.map((r) => ({ role: r.role, branchId: r.branchId })),
    createdAt: user.createdAt.toISOString(),
  };
}
