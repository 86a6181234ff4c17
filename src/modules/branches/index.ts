export { BranchesModule } from './branches.module.js';
export { BranchesService, branchNotFound, type BranchRecord } from './branches.service.js';
export { isOpenAt, type WeeklyHours } from './branches.rules.js';
/** IANA zone checks, for every module that keeps a person's wall clock (doctors' availability). */
export { canonicalTimeZone, isTimeZone } from './branches.rules.js';
/** Great-circle km between two points, measured as the database measures (earthdistance). */
export { distanceKm, type GeoPoint } from './branches.geo.js';
/** Query-string coordinates, validated the same way wherever a route takes a point. */
export { latQuery, lngQuery } from './branches.dto.js';
export { BranchesMessages } from './branches.errors.js';
