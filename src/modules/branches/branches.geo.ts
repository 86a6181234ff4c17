/**
 * Nearest-first over an in-process set of points (the active branches): a KDBush index searched with
 * geokdbush, measured exactly as the SQL measures (earthdistance: ll_to_earth on a sphere of radius
 * 6378168 m, `<->` = chord length, earth_distance = great circle). Same key (to the last bit or so: the
 * sin/cos of JS and of the database may round apart), same order, same distanceKm and the same keyset
 * cursor as BranchesRepository.nearest.
 */
import { around } from 'geokdbush';
import KDBush from 'kdbush';

/** earthdistance's earth(): metres. */
export const EARTH_RADIUS_M = 6378168;
const RAD = Math.PI / 180;
/** geokdbush measures on its own sphere (km); only the angle matters for order and radius. */
const GEOKDBUSH_RADIUS_KM = 6371;

export interface GeoPoint {
  lat: number;
  lng: number;
}

/** Where a page starts: after (key, id); `ties`: rows at that same key with a greater id follow. */
export interface NearAfter {
  key: number;
  id: string;
  ties: boolean;
}

export interface Near<T> {
  item: T;
  /** Chord length in metres from the query point (the `<->` distance key). */
  key: number;
  /** Great-circle distance in km (earth_distance / 1000). */
  km: number;
}

export interface NearPage<T> {
  items: Near<T>[];
  /** The cursor of the next page, or null on the last one. */
  next: NearAfter | null;
}

export interface GeoIndex<T extends GeoPoint & { id: string }> {
  readonly items: readonly T[];
  readonly tree: KDBush;
  /** ll_to_earth of each item: x, y, z in metres. */
  readonly xyz: Float64Array;
}

/** ll_to_earth(lat, lng): the point on earthdistance's sphere, in metres. */
export function toEarth(lat: number, lng: number): [number, number, number] {
  const cosLat = Math.cos(lat * RAD);
  return [
    EARTH_RADIUS_M * cosLat * Math.cos(lng * RAD),
    EARTH_RADIUS_M * cosLat * Math.sin(lng * RAD),
    EARTH_RADIUS_M * Math.sin(lat * RAD),
  ];
}

/** earth_distance's sec_to_gc: chord length (m) to great-circle distance (km). */
export function chordToKm(chord: number): number {
  if (chord <= 0) return 0;
  if (chord / (2 * EARTH_RADIUS_M) > 1) return (Math.PI * EARTH_RADIUS_M) / 1000;
  return (2 * EARTH_RADIUS_M * Math.asin(chord / (2 * EARTH_RADIUS_M))) / 1000;
}

/** earth_distance(ll_to_earth(a), ll_to_earth(b)) / 1000. */
export function distanceKm(a: GeoPoint, b: GeoPoint): number {
  const [ax, ay, az] = toEarth(a.lat, a.lng);
  const [bx, by, bz] = toEarth(b.lat, b.lng);
  return chordToKm(Math.sqrt((ax - bx) ** 2 + (ay - by) ** 2 + (az - bz) ** 2));
}

export function buildGeoIndex<T extends GeoPoint & { id: string }>(items: readonly T[]): GeoIndex<T> {
  const tree = new KDBush(items.length);
  const xyz = new Float64Array(items.length * 3);
  items.forEach((item, i) => {
    tree.add(item.lng, item.lat);
    xyz.set(toEarth(item.lat, item.lng), i * 3);
  });
  return { items, tree: tree.finish(), xyz };
}

/**
 * One page nearest first, ordered by (key, id), starting after `after`. geokdbush orders by its own
 * haversine, so points at (nearly) the same distance may come back in any order, and the last one it
 * returns may have company at that distance that it left out: when there is more than a page, everything
 * out to the farthest returned distance (plus rounding slack) is read again and sorted by (key, id).
 */
export function nearestPage<T extends GeoPoint & { id: string }>(
  index: GeoIndex<T>,
  from: GeoPoint,
  after: NearAfter | undefined,
  limit: number,
): NearPage<T> {
  const [qx, qy, qz] = toEarth(from.lat, from.lng);
  const { xyz, items } = index;
  const keyOf = (i: number) =>
    Math.sqrt((xyz[3 * i] - qx) ** 2 + (xyz[3 * i + 1] - qy) ** 2 + (xyz[3 * i + 2] - qz) ** 2);
  const follows = (i: number) => {
    if (!after) return true;
    const key = keyOf(i);
    return key > after.key || (after.ties && key === after.key && items[i].id > after.id);
  };

  let hits = around(index.tree, from.lng, from.lat, limit + 1, Infinity, follows);
  if (hits.length > limit) {
    const farthest = Math.max(...hits.map(keyOf));
    const angle = 2 * Math.asin(Math.min(1, farthest / (2 * EARTH_RADIUS_M)));
    hits = around(
      index.tree,
      from.lng,
      from.lat,
      Infinity,
      (angle * (1 + 1e-9) + 1e-12) * GEOKDBUSH_RADIUS_KM,
      follows,
    );
  }
  const rows = hits
    .map((i) => ({ i, key: keyOf(i) }))
    .sort((a, b) => a.key - b.key || (items[a.i].id < items[b.i].id ? -1 : 1));

  const page = rows.slice(0, limit).map(({ i, key }) => ({ item: items[i], key, km: chordToKm(key) }));
  if (rows.length <= limit) return { items: page, next: null };
  const last = page[page.length - 1];
  return { items: page, next: { key: last.key, id: last.item.id, ties: rows[limit].key === last.key } };
}
