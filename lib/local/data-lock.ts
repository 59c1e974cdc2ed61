/**
 * One data folder belongs to one running local stack (DESIGN §6). A second `npm run dev` on the same folder would
 * share DynamoDB Local's files with the first, and its `--fresh` would delete them under the running one (every
 * write then answers 500). So the stack takes a lock beside the folder (`<dataDir>.lock`, created exclusively)
 * before it touches the folder, and refuses to start while another live process holds it, naming that stack's
 * URLs. A lock left by a process that no longer runs (killed, crashed) is taken over.
 */
import { open, readFile, rm, writeFile } from 'node:fs/promises';

export interface LockHolder {
  pid: number;
  startedAt: string;
  urls?: Record<string, string>;
}

export class DataFolderInUse extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder,
  ) {
    const urls = holder.urls
      ? Object.entries(holder.urls)
          .map(([name, url]) => `${name} ${url}`)
          .join(', ')
      : 'still starting';
    super(
      `The data folder ${dataDir} is in use by another local stack (process ${holder.pid}, started ${holder.startedAt}; ${urls}). Stop that one first, or use another data folder.`,
    );
    this.name = 'DataFolderInUse';
  }
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

const readHolder = async (path: string): Promise<LockHolder | undefined> => {
  try {
    const holder = JSON.parse(await readFile(path, 'utf8')) as LockHolder;
    return Number.isInteger(holder.pid) ? holder : undefined;
  } catch {
    return undefined;
  }
};

export interface DataLock {
  /** Records the running stack's URLs in the lock, so a refused second start can name them. */
  describe(urls: Record<string, string>): Promise<void>;
  release(): Promise<void>;
}

export const lockPath = (dataDir: string): string => `${dataDir.replace(/[\\/]+$/, '')}.lock`;

/** Takes the data folder's lock, or throws DataFolderInUse naming the live stack that holds it. */
export const acquireDataLock = async (dataDir: string): Promise<DataLock> => {
  const path = lockPath(dataDir);
  const mine: LockHolder = { pid: process.pid, startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(JSON.stringify(mine));
      await handle.close();
      return {
        describe: (urls) => writeFile(path, JSON.stringify({ ...mine, urls })),
        release: () => rm(path, { force: true }),
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = await readHolder(path);
      if (holder && holder.pid !== process.pid && alive(holder.pid))
        throw new DataFolderInUse(dataDir, holder);
      if (holder?.pid === process.pid) throw new DataFolderInUse(dataDir, holder);
      // Stale (its process is gone) or unreadable: take it over.
      await rm(path, { force: true });
    }
  }
  throw new Error(`Could not take the lock ${path}: another process keeps creating it`);
};
