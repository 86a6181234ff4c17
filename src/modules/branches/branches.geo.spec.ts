import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildGeoIndex,
  chordToKm,
  distanceKm,
  EARTH_RADIUS_M,
  nearestPage,
  toEarth,
  type GeoPoint,
  type NearAfter,
} from './branches.geo.js';

interface Pt extends GeoPoint {
  id: string;
}

const id = (n: number) => `00000000-0000-7000-8000-${n.toString(16).padStart(12, '0')}`;

/** Haversine on earthdistance's sphere, written independently of the code under test. */
function haversineKm(a: GeoPoint, b: GeoPoint): number {
  const rad = Math.PI / 180;
  const h =
    Math.sin(((b.lat - a.lat) * rad) / 2) ** 2 +
    Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(((b.lng - a.lng) * rad) / 2) ** 2;
  return 2 * 6378.168 * Math.asin(Math.sqrt(h));
}

const chord = (a: GeoPoint, b: GeoPoint) => {
  const [ax, ay, az] = toEarth(a.lat, a.lng);
  const [bx, by, bz] = toEarth(b.lat, b.lng);
  return Math.sqrt((ax - bx) ** 2 + (ay - by) ** 2 + (az - bz) ** 2);
};

/** Every point in (key, id) order: what paging must reproduce. */
const bruteForce = (points: Pt[], from: GeoPoint) =>
  points
    .map((p) => ({ id: p.id, key: chord(p, from) }))
    .sort((a, b) => a.key - b.key || (a.id < b.id ? -1 : 1))
    .map((p) => p.id);

function walk(points: Pt[], from: GeoPoint, limit: number): string[] {
  const index = buildGeoIndex(points);
  const seen: string[] = [];
  let after: NearAfter | undefined;
  for (let pages = 0; pages <= points.length + 1; pages++) {
    const page = nearestPage(index, from, after, limit);
    expect(page.items.length).toBeLessThanOrEqual(limit);
    seen.push(...page.items.map((n) => n.item.id));
    if (!page.next) return seen;
    expect(page.items).toHaveLength(limit);
    after = page.next;
  }
  throw new Error('paging did not end');
}

describe('distance, as earthdistance measures it', () => {
  it.each([
    ['Cairo to Alexandria', { lat: 30.0444, lng: 31.2357 }, { lat: 31.2001, lng: 29.9187 }],
    ['across the antimeridian', { lat: -16.5, lng: 179.9 }, { lat: -16.4, lng: -179.8 }],
    ['pole to pole', { lat: 90, lng: 0 }, { lat: -90, lng: 0 }],
    ['a few metres', { lat: 30.0444, lng: 31.2357 }, { lat: 30.04441, lng: 31.2357 }],
  ])('%s: the great circle on a sphere of radius 6378.168 km', (_, a, b) => {
    expect(distanceKm(a, b)).toBeCloseTo(haversineKm(a, b), 6);
    expect(distanceKm(b, a)).toBeCloseTo(distanceKm(a, b), 9);
  });

  it('is zero at the same point and half the circumference at most', () => {
    expect(distanceKm({ lat: 30, lng: 31 }, { lat: 30, lng: 31 })).toBe(0);
    expect(chordToKm(0)).toBe(0);
    expect(chordToKm(2 * EARTH_RADIUS_M)).toBeCloseTo((Math.PI * EARTH_RADIUS_M) / 1000, 6);
    expect(chordToKm(2 * EARTH_RADIUS_M + 1)).toBe((Math.PI * EARTH_RADIUS_M) / 1000);
  });

  it('keeps the precision of earthdistance near the antipodes (a fraction of a metre)', () => {
    const a = { lat: 10, lng: 20 };
    const b = { lat: -10, lng: -160 };
    expect(distanceKm(a, b)).toBeCloseTo(haversineKm(a, b), 3);
    expect(distanceKm(a, b)).toBeCloseTo((Math.PI * EARTH_RADIUS_M) / 1000, 3);
  });
});

describe('nearest first with a keyset cursor', () => {
  const from = { lat: 30, lng: 31 };

  it('orders by distance, then id, with distance and key of each', () => {
    const points: Pt[] = [
      { id: id(3), lat: 30.3, lng: 31 },
      { id: id(2), lat: 30.05, lng: 31 },
      { id: id(1), lat: 30.2, lng: 31 },
      { id: id(4), lat: 30.05, lng: 31 },
    ];
    const page = nearestPage(buildGeoIndex(points), from, undefined, 10);
    expect(page.items.map((n) => n.item.id)).toEqual([id(2), id(4), id(1), id(3)]);
    expect(page.next).toBeNull();
    for (const n of page.items) {
      expect(n.km).toBeCloseTo(haversineKm(from, n.item), 6);
      expect(n.key).toBe(chord(from, n.item));
    }
  });

  it('answers an empty page for an empty set', () => {
    expect(nearestPage(buildGeoIndex([]), from, undefined, 5)).toEqual({ items: [], next: null });
  });

  it('marks a cursor inside a tie, and one that is not', () => {
    const points: Pt[] = [
      { id: id(1), lat: 30.01, lng: 31 },
      { id: id(2), lat: 30.01, lng: 31 },
      { id: id(3), lat: 30.02, lng: 31 },
    ];
    const index = buildGeoIndex(points);
    const first = nearestPage(index, from, undefined, 1);
    expect(first.next).toMatchObject({ id: id(1), ties: true });
    const second = nearestPage(index, from, first.next!, 1);
    expect(second.items.map((n) => n.item.id)).toEqual([id(2)]);
    expect(second.next).toMatchObject({ id: id(2), ties: false });
    expect(nearestPage(index, from, second.next!, 1)).toMatchObject({ items: [{ item: { id: id(3) } }], next: null });
    // Without `ties`, the rest of the tie is behind the cursor (the SQL path's cursor means the same).
    const noTies = nearestPage(index, from, { ...first.next!, ties: false }, 5);
    expect(noTies.items.map((n) => n.item.id)).toEqual([id(3)]);
  });

  it('pages through many branches in one building without skipping or repeating one', () => {
    const points: Pt[] = [];
    for (let i = 0; i < 40; i++) points.push({ id: id(1000 - i), lat: 30.01, lng: 31.01 });
    for (let i = 0; i < 30; i++) points.push({ id: id(i), lat: 30 + i / 100, lng: 31 - i / 100 });
    for (const limit of [1, 2, 3, 7, 20, 39, 40, 41, 100]) {
      expect(walk(points, from, limit), `limit ${limit}`).toEqual(bruteForce(points, from));
    }
  });

  it('finds the nearest across the antimeridian and near the poles', () => {
    const points: Pt[] = [
      { id: id(1), lat: 0, lng: 179.99 },
      { id: id(2), lat: 0, lng: -179.98 },
      { id: id(3), lat: 0, lng: 170 },
      { id: id(4), lat: 89.99, lng: 0 },
      { id: id(5), lat: 89.99, lng: 180 },
    ];
    expect(walk(points, { lat: 0, lng: -179.999 }, 2)).toEqual(bruteForce(points, { lat: 0, lng: -179.999 }));
    expect(walk(points, { lat: 90, lng: 0 }, 1)).toEqual(bruteForce(points, { lat: 90, lng: 0 }));
  });

  it('agrees with a full sort for any set, point and page size', () => {
    const coord = (min: number, max: number) => fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
    const point = fc.record({ lat: coord(-90, 90), lng: coord(-180, 180) });
    // Few distinct places, many branches: ties at every page boundary.
    const places = fc.array(point, { minLength: 1, maxLength: 8 });
    fc.assert(
      fc.property(
        places,
        fc.array(fc.nat(), { maxLength: 120 }),
        point,
        fc.integer({ min: 1, max: 25 }),
        (at, picks, from, limit) => {
          const points = picks.map((p, i) => ({ id: id(i * 7919 + p), ...at[p % at.length] }));
          const unique = [...new Map(points.map((p) => [p.id, p])).values()];
          expect(walk(unique, from, limit)).toEqual(bruteForce(unique, from));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('agrees with a full sort over a few thousand scattered branches', () => {
    let seed = 42;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) as number;
    const points: Pt[] = Array.from({ length: 3000 }, (_, i) => ({
      id: id(i),
      lat: 22 + rnd() * 10,
      lng: 25 + rnd() * 10,
    }));
    const index = buildGeoIndex(points);
    const page = nearestPage(index, from, undefined, 100);
    expect(page.items.map((n) => n.item.id)).toEqual(bruteForce(points, from).slice(0, 100));
    expect(walk(points, from, 100)).toEqual(bruteForce(points, from));
  });
});
