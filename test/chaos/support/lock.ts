import { closeSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sleep } from './ports.js';

const LOCK = join(tmpdir(), 'medyour-chaos.lock');

function owner(): { pid: number; ageMs: number } | undefined {
  try {
    return { pid: Number(readFileSync(LOCK, 'utf8').trim() || '0'), ageMs: Date.now() - statSync(LOCK).mtimeMs };
  } catch {
    return undefined; // released in the meantime
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Chaos specs measure latency under load: two of them at once (two Vitest workers, or two runs in one
 * tree) would load the CPU for each other and turn a latency comparison into noise. They take turns
 * through a lock file holding the owner's pid; a lock left by a dead process is taken over.
 */
export async function chaosLock(timeoutMs = 170_000): Promise<() => void> {
  const started = Date.now();
  for (;;) {
    try {
      const fd = openSync(LOCK, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => {
        if (owner()?.pid === process.pid) rmSync(LOCK, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const held = owner();
    if (held && ((held.pid > 0 && !alive(held.pid)) || (held.pid === 0 && held.ageMs > 5_000))) {
      rmSync(LOCK, { force: true });
    } else if (Date.now() - started > timeoutMs) {
      throw new Error(`another chaos run (pid ${held?.pid}) still holds ${LOCK}`);
    } else {
      await sleep(200);
    }
  }
}
