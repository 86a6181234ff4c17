import { z } from 'zod';
import { STAFF_ROLES } from '../../kernel/auth/index.js';
import { idSchema, pageQuery } from '../../kernel/http/index.js';

const email = z
  .email()
  .max(254)
  .transform((v) => v.toLowerCase());
/** E.164: + and 8-15 digits. */
const phone = z.string().regex(/^\+[1-9]\d{7,14}$/, 'must be in E.164 format, e.g. +201001234567');
const name = z.string().trim().min(1).max(120);
const locale = z.enum(['en', 'ar']);
const password = z.string().min(1).max(256);
const code = z.string().regex(/^\d{6}$/, 'must be 6 digits');
const identifier = z.string().trim().min(3).max(254);

export const registerBody = z
  .strictObject({
    name,
    email: email.optional(),
    phone: phone.optional(),
    password,
    type: z.enum(['customer', 'doctor']).default('customer'),
    locale: locale.default('en'),
  })
  .refine((b) => b.email !== undefined || b.phone !== undefined, {
    message: 'email or phone is required',
    path: ['email'],
  });
export type RegisterBody = z.infer<typeof registerBody>;

export const loginBody = z.strictObject({ identifier, password });
export const refreshBody = z.strictObject({ refreshToken: z.string().min(10).max(200) });
export const logoutBody = z.strictObject({ refreshToken: z.string().min(10).max(200).optional() }).optional();
export const otpRequestBody = z.strictObject({ phone });
export const otpVerifyBody = z.strictObject({ phone, code });
export const emailRequestBody = z.strictObject({ email });
export const emailVerifyBody = z.strictObject({ email, code });
export const forgotBody = z.strictObject({ identifier });
export const resetBody = z.strictObject({ identifier, code, newPassword: password });
/** Changing email or phone needs `currentPassword`: a stolen access token alone must not redirect recovery. */
export const updateMeBody = z
  .strictObject({
    name: name.optional(),
    locale: locale.optional(),
    email: email.optional(),
    phone: phone.optional(),
    currentPassword: password.optional(),
  })
  .refine((b) => [b.name, b.locale, b.email, b.phone].some((v) => v !== undefined), {
    message: 'at least one of name, locale, email, phone is required',
  });
export type UpdateMeBody = z.infer<typeof updateMeBody>;
export const changePasswordBody = z.strictObject({ currentPassword: password, newPassword: password });

const staffRole = z.enum(STAFF_ROLES);
export const createStaffBody = z.strictObject({
  name,
  email,
  phone: phone.optional(),
  password,
  roles: z.array(staffRole).min(1).max(STAFF_ROLES.length),
  branchIds: z.array(idSchema).max(100).optional(),
  locale: locale.default('en'),
});
export type CreateStaffBody = z.infer<typeof createStaffBody>;
const roleList = z.array(staffRole).max(STAFF_ROLES.length);
/** `roles` replaces the set; `add` / `remove` change it. branchIds scope the branch-scoped roles given. */
export const setRolesBody = z
  .strictObject({
    roles: roleList.optional(),
    add: roleList.optional(),
    remove: roleList.optional(),
    branchIds: z.array(idSchema).max(100).optional(),
  })
  .refine((b) => b.roles !== undefined || b.add !== undefined || b.remove !== undefined, {
    message: 'roles, add or remove is required',
    path: ['roles'],
  });
export type SetRolesBody = z.infer<typeof setRolesBody>;
export const suspendBody = z.strictObject({ reason: z.string().trim().max(500).optional() }).optional();

export const listUsersQuery = pageQuery.extend({
  type: z.enum(['customer', 'doctor', 'staff']).optional(),
  status: z.enum(['active', 'pending_approval', 'suspended']).optional(),
  q: z.string().trim().min(1).max(100).optional(),
  // Exact lookups: a branch manager finds one customer this way, never by browsing (each lookup is audited).
  email: email.optional(),
  phone: phone.optional(),
});
export type ListUsersQuery = z.infer<typeof listUsersQuery>;

export const idParam = idSchema;
export const roleParam = staffRole;

// ---- responses
export const roleAssignmentView = z.object({ role: z.string(), branchId: z.string().nullable() });
export const userView = z.object({
  id: z.string(),
  type: z.enum(['customer', 'doctor', 'staff']),
  name: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  phoneVerified: z.boolean(),
  emailVerified: z.boolean(),
  locale: z.enum(['en', 'ar']),
  status: z.enum(['active', 'pending_approval', 'suspended']),
  roles: z.array(z.string()),
  roleAssignments: z.array(roleAssignmentView),
  createdAt: z.string(),
});
export type UserView = z.infer<typeof userView>;
export const meResponse = z.object({ user: userView });
export const tokenResponse = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  tokenType: z.literal('Bearer'),
  expiresIn: z.number().int(),
  user: userView,
});
export type TokenResponse = z.infer<typeof tokenResponse>;
export const acceptedResponse = z.object({ accepted: z.literal(true), message: z.string() });
export const okResponse = z.object({ ok: z.literal(true) });
export const usersPage = z.object({ items: z.array(userView), nextCursor: z.string().nullable() });
