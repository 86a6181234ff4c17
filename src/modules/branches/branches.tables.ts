import { sql } from 'drizzle-orm';
import { boolean, check, doublePrecision, index, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { createdAt, pk, updatedAt } from '../../db/columns.js';

export interface OpeningHours {
  /** 0 = Sunday */
  day: number;
  opens: string;
  closes: string;
}

export const branches = pgTable(
  'branches',
  {
    id: pk(),
    nameEn: text('name_en').notNull(),
    nameAr: text('name_ar').notNull(),
    address: text('address').notNull(),
    lat: doublePrecision('lat').notNull(),
    lng: doublePrecision('lng').notNull(),
    phone: text('phone').notNull(),
    timeZone: text('time_zone').notNull(),
    deliveryRadiusKm: doublePrecision('delivery_radius_km').notNull(),
    openingHours: jsonb('opening_hours').$type<OpeningHours[]>().notNull().default([]),
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // earthdistance: nearest-first with a GiST index instead of a scan.
    index('branches_earth_idx').using('gist', sql`ll_to_earth(${t.lat}, ${t.lng})`),
    check('branches_lat_range', sql`${t.lat} BETWEEN -90 AND 90`),
    check('branches_lng_range', sql`${t.lng} BETWEEN -180 AND 180`),
    check('branches_radius_nonneg', sql`${t.deliveryRadiusKm} >= 0`),
  ],
);
