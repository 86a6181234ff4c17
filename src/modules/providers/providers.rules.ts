/** Pure rules of the providers module: licence validity, approval, bookability, ratings, language codes. */

/** The UTC calendar day of an instant, as PostgreSQL's `date` prints it. */
export function isoDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** A licence is valid through its expiry day (inclusive). Dates compare as text in YYYY-MM-DD form. */
export function licenseValidOn(expiresOn: string, day: string): boolean {
  return expiresOn >= day;
}

export interface ProfileFacts {
  licenseExpiresOn: string;
  approvedAt: Date | null;
}

/** Why an admin may not approve this doctor on `day`, or null when they may. */
export function approvalRefusal(
  profile: ProfileFacts | undefined,
  day: string,
): 'profile-incomplete' | 'license-expired' | null {
  if (!profile) return 'profile-incomplete';
  if (!licenseValidOn(profile.licenseExpiresOn, day)) return 'license-expired';
  return null;
}

/**
 * Whether a doctor may practise (be listed, booked, prescribe) on `day`: approved, with a licence valid that
 * day. Only approved doctors with a licence valid on the day can be booked or prescribe (DOMAIN.md).
 */
export function practiceRefusal(
  profile: ProfileFacts | undefined,
  day: string,
): 'not-found' | 'not-approved' | 'license-expired' | null {
  if (!profile) return 'not-found';
  if (profile.approvedAt === null) return 'not-approved';
  if (!licenseValidOn(profile.licenseExpiresOn, day)) return 'license-expired';
  return null;
}

/**
 * Whether saving `next` over an approved profile sends it back to the admin: the approval covered the licence
 * number and expiry that were reviewed. A profile never approved has nothing to take back.
 */
export function needsReview(
  before: { approvedAt: Date | null; licenseNumber: string; licenseExpiresOn: string } | undefined,
  next: { licenseNumber: string; licenseExpiresOn: string },
): boolean {
  if (!before || before.approvedAt === null) return false;
  return before.licenseNumber !== next.licenseNumber || before.licenseExpiresOn !== next.licenseExpiresOn;
}

/** The mean of 1-5 ratings to two decimals; 0 before the first rating. */
export function ratingAverage(sum: number, count: number): number {
  if (count <= 0) return 0;
  return Math.round((sum / count) * 100) / 100;
}

/** ISO 639-1 two-letter language codes. */
const ISO_639_1 = new Set(
  (
    'aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv dz ee el ' +
    'en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii ik io is it ' +
    'iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt ' +
    'my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl ' +
    'sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo ' +
    'za zh zu'
  ).split(' '),
);

export function isLanguageCode(code: string): boolean {
  return ISO_639_1.has(code);
}
