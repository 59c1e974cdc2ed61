import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireDataLock, DataFolderInUse, lockPath } from '../../../lib/local/data-lock.ts';

let parent: string;
let dataDir: string;
beforeEach(async () => {
  parent = await mkdtemp(join(tmpdir(), 'data-lock-'));
  dataDir = join(parent, '.local');
});
afterEach(async () => {
  await rm(parent, { recursive: true, force: true });
});

describe('the data folder lock', () => {
  it('refuses a second holder while the first holds it, naming its URLs; free again once released', async () => {
    const first = await acquireDataLock(dataDir);
    await first.describe({ API: 'http://127.0.0.1:3000', site: 'http://127.0.0.1:3001' });
    const refused = await acquireDataLock(dataDir).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(DataFolderInUse);
    expect((refused as Error).message).toContain('API http://127.0.0.1:3000, site http://127.0.0.1:3001');
    expect((refused as Error).message).toContain(`process ${process.pid}`);
    await first.release();
    const second = await acquireDataLock(dataDir);
    await second.release();
  });

  it('refuses a lock held by another live process', async () => {
    // This test's parent process (the vitest runner) is alive and is not this worker.
    await writeFile(lockPath(dataDir), JSON.stringify({ pid: process.ppid, startedAt: 'earlier' }));
    await expect(acquireDataLock(dataDir)).rejects.toThrow(`process ${process.ppid}`);
  });

  it('takes over a lock left by a process that no longer runs', async () => {
    const gone = spawnSync(process.execPath, ['-e', 'process.exit(0)']).pid;
    await writeFile(lockPath(dataDir), JSON.stringify({ pid: gone, startedAt: 'earlier' }));
    const lock = await acquireDataLock(dataDir);
    expect(JSON.parse(await readFile(lockPath(dataDir), 'utf8')).pid).toBe(process.pid);
    await lock.release();
  });

  it('takes over an unreadable lock', async () => {
    await writeFile(lockPath(dataDir), 'not json');
    const lock = await acquireDataLock(dataDir);
    await lock.release();
  });
});
