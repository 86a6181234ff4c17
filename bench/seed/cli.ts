import { parseArgs } from 'node:util';
import pg from 'pg';
import { benchDatabaseUrl, databaseName, recreateDatabase } from '../lib/db.js';
import { seedBench } from './generate.js';

/**
 * `npm run seed:bench -- --products 1000000 --branches 200`: recreates the bench database (medyour_bench,
 * or BENCH_DATABASE_URL), migrates it and fills it with generated data.
 */
const { values } = parseArgs({
  options: {
    products: { type: 'string', default: '1000000' },
    branches: { type: 'string', default: '200' },
    popular: { type: 'string', default: '1000' },
    seed: { type: 'string', default: '20260310' },
  },
});
const int = (name: string, v: string | undefined, min: number) => {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}`);
  return n;
};
const products = int('products', values.products, 1);
const branches = int('branches', values.branches, 1);

const url = benchDatabaseUrl();
console.log(`bench database ${databaseName(url)}: recreating and migrating`);
await recreateDatabase(url);
const client = new pg.Client({ connectionString: url });
await client.connect();
try {
  const summary = await seedBench(client, {
    products,
    branches,
    popular: int('popular', values.popular, 0),
    seed: int('seed', values.seed, 0),
    log: (m) => console.log(`  ${m}`),
  });
  console.log(JSON.stringify(summary));
} finally {
  await client.end();
}
