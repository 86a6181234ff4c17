import type { AdminSpecialtyView, DoctorView, OwnProfileView, SpecialtyView } from './providers.dto.js';
import type { ProfileRow, SpecialtyRow } from './providers.repository.js';
import { ratingAverage } from './providers.rules.js';

export const toSpecialtyView = (s: SpecialtyRow): SpecialtyView => ({
  id: s.id,
  nameEn: s.nameEn,
  nameAr: s.nameAr,
  icon: s.icon,
});

export const toAdminSpecialtyView = (s: SpecialtyRow): AdminSpecialtyView => ({
  ...toSpecialtyView(s),
  active: s.active,
  createdAt: s.createdAt.toISOString(),
  updatedAt: s.updatedAt.toISOString(),
});

const practice = (p: ProfileRow, specialties: SpecialtyRow[]) => ({
  specialties: specialties.map(toSpecialtyView),
  languages: p.languages,
  bioEn: p.bioEn,
  bioAr: p.bioAr,
  videoFeeMinor: p.videoFeeMinor,
  clinicFeeMinor: p.clinicFeeMinor,
  clinicBranchId: p.clinicBranchId,
  ratingAverage: ratingAverage(p.ratingSum, p.ratingCount),
  ratingCount: p.ratingCount,
});

export const toDoctorView = (p: ProfileRow, specialties: SpecialtyRow[]): DoctorView => ({
  id: p.userId,
  name: p.name ?? '',
  ...practice(p, specialties),
});

export const toOwnProfileView = (p: ProfileRow, specialties: SpecialtyRow[]): OwnProfileView => ({
  doctorId: p.userId,
  ...practice(p, specialties),
  specialtyIds: specialties.map((s) => s.id),
  licenseNumber: p.licenseNumber,
  licenseExpiresOn: p.licenseExpiresOn,
  approvedAt: p.approvedAt?.toISOString() ?? null,
  updatedAt: p.updatedAt.toISOString(),
});
