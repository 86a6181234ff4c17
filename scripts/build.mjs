// Builds dist/ from src/ (tsc, migrations, identity data). `--if-stale` (used by `npm start`) skips the work
// when nothing that goes into dist/ changed since the last build: a warm start then costs only the boot.
// Plain `npm run build` always compiles, incrementally (tsconfig.build.json keeps dist/.tsbuildinfo).
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const stampFile = join(dist, '.build-stamp');
/** Copied as they are: tsc does not emit them. */
const ASSETS = ['db/migrations', 'modules/identity/data'];
/** Inputs beside src/ that change what tsc emits. */
const CONFIG_INPUTS = ['tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];

function* walk(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (entry.isFile()) yield path;
  }
}

/** Path, size and mtime of every input: an edit, a new file and a deletion all change it. */
function fingerprint() {
  const hash = createHash('sha256');
  const files = [...walk(join(root, 'src')), ...CONFIG_INPUTS.map((f) => join(root, f)).filter(existsSync)].sort();
  for (const file of files) {
    const s = statSync(file);
    hash.update(`${relative(root, file)}\0${s.size}\0${s.mtimeMs}\n`);
  }
  hash.update(process.version);
  return hash.digest('hex');
}

/** dist/*.js whose source is gone (an incremental build never deletes): a stale module must not load. */
function pruneOrphans() {
  if (!existsSync(dist)) return;
  for (const file of walk(dist)) {
    const rel = relative(dist, file);
    if (ASSETS.some((a) => rel.startsWith(a + '/'))) continue;
    const m = /^(.*)\.js(\.map)?$/.exec(rel);
    if (m && !existsSync(join(root, 'src', `${m[1]}.ts`))) rmSync(file);
  }
}

const ifStale = process.argv.includes('--if-stale');
const print = (line) => process.stdout.write(`[build] ${line}\n`);
const before = fingerprint();
if (ifStale && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === before) {
  print('dist/ is current, not compiling');
  process.exit(0);
}

const started = performance.now();
if (ifStale) print('compiling src/ into dist/ (TypeScript, incremental)');
const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
  cwd: root,
  stdio: 'inherit',
});
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
pruneOrphans();
for (const asset of ASSETS) {
  // Replaced whole: a migration removed from src/ must not linger in dist/.
  rmSync(join(dist, asset), { recursive: true, force: true });
  cpSync(join(root, 'src', asset), join(dist, asset), { recursive: true });
}
// The fingerprint from before compiling: an edit made during the build makes the next start compile again.
writeFileSync(stampFile, before);
if (ifStale) print(`compiled in ${((performance.now() - started) / 1000).toFixed(1)} s`);
