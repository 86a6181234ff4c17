import { describe, expect, it } from 'vitest';
import {
  approvalRefusal,
  isLanguageCode,
  isoDay,
  licenseValidOn,
  needsReview,
  practiceRefusal,
  ratingAverage,
} from './providers.rules.js';

describe('licence validity', () => {
  it('holds through the expiry day and not after', () => {
    expect(licenseValidOn('2026-12-04', '2026-12-03')).toBe(true);
    expect(licenseValidOn('2026-12-04', '2026-12-04')).toBe(true);
    expect(licenseValidOn('2026-12-04', '2026-12-05')).toBe(false);
    expect(licenseValidOn('2027-01-01', '2026-12-31')).toBe(true);
  });

  it('takes the UTC day of an instant', () => {
    expect(isoDay(new Date('2026-12-04T23:59:59.999Z'))).toBe('2026-12-04');
    expect(isoDay(new Date('2026-12-05T01:00:00+02:00'))).toBe('2026-12-04');
  });
});

describe('approval', () => {
  const day = '2026-06-01';
  it('needs a profile and a licence valid on the day', () => {
    expect(approvalRefusal(undefined, day)).toBe('profile-incomplete');
    expect(approvalRefusal({ licenseExpiresOn: '2026-05-31', approvedAt: null }, day)).toBe('license-expired');
    expect(approvalRefusal({ licenseExpiresOn: '2026-06-01', approvedAt: null }, day)).toBeNull();
  });
});

describe('practice (directory, booking, prescribing)', () => {
  const day = '2026-06-01';
  it('needs an approved doctor with a licence valid that day', () => {
    expect(practiceRefusal(undefined, day)).toBe('not-found');
    expect(practiceRefusal({ licenseExpiresOn: '2027-01-01', approvedAt: null }, day)).toBe('not-approved');
    expect(practiceRefusal({ licenseExpiresOn: '2026-05-31', approvedAt: new Date() }, day)).toBe('license-expired');
    expect(practiceRefusal({ licenseExpiresOn: '2026-06-01', approvedAt: new Date() }, day)).toBeNull();
  });
});

describe('rating average', () => {
  it('is 0 before any rating and rounds to two decimals', () => {
    expect(ratingAverage(0, 0)).toBe(0);
    expect(ratingAverage(5, 1)).toBe(5);
    expect(ratingAverage(14, 3)).toBe(4.67);
    expect(ratingAverage(7, 2)).toBe(3.5);
  });
});

describe('language codes', () => {
  it('accepts ISO 639-1 codes only', () => {
    for (const code of ['ar', 'en', 'fr', 'de', 'zh']) expect(isLanguageCode(code)).toBe(true);
    for (const code of ['xx', 'eng', 'EN', '', 'a']) expect(isLanguageCode(code)).toBe(false);
  });
});

describe('review after a profile change', () => {
  const approved = { approvedAt: new Date(), licenseNumber: 'L-1', licenseExpiresOn: '2030-01-01' };
  it('sends an approved profile back when its licence number or expiry changes, not otherwise', () => {
    expect(needsReview(approved, { licenseNumber: 'L-1', licenseExpiresOn: '2030-01-01' })).toBe(false);
    expect(needsReview(approved, { licenseNumber: 'L-2', licenseExpiresOn: '2030-01-01' })).toBe(true);
    expect(needsReview(approved, { licenseNumber: 'L-1', licenseExpiresOn: '2031-01-01' })).toBe(true);
    expect(
      needsReview({ ...approved, approvedAt: null }, { licenseNumber: 'L-2', licenseExpiresOn: '2031-01-01' }),
    ).toBe(false);
    expect(needsReview(undefined, { licenseNumber: 'L-2', licenseExpiresOn: '2031-01-01' })).toBe(false);
  });
});
