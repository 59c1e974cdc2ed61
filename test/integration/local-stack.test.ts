/**
 * One data folder, one running stack (DESIGN §6): a second stack started on the folder of the running test stack —
 * even with `fresh`, which would empty it — refuses before touching it, naming the running stack's API, and the
 * running stack keeps its data.
 */
import { readdir } from 'node:fs/promises';
import { describe, expect, inject, it } from 'vitest';
import { startLocalStack } from '../../lib/local/stack.ts';
import { createApplication, view } from './support.ts';

describe('a second stack on the same data folder', () => {
  it('refuses to start, names the running one, and deletes nothing (even with fresh)', async () => {
    const app = await createApplication();
    const before = await readdir(inject('dataDir'));
    const refused = await startLocalStack({ dataDir: inject('dataDir'), fresh: true }).catch(
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(Error);
    expect((refused as Error).name).toBe('DataFolderInUse');
    expect((refused as Error).message).toContain(`API ${inject('apiUrl')}`);
    expect(await readdir(inject('dataDir'))).toEqual(before);
    const still = await view(app);
    expect(still.status).toBe(200);
    expect(still.body.stage).toBe('awaiting-documents');
  });
});
