import { describe, expect, it } from 'vitest';
import { msUntilLondon } from '../../../lib/local/stack.ts';

const at = (iso: string) => new Date(iso);

describe('msUntilLondon (the local scheduler runs daily schedules at London wall-clock times)', () => {
  it('waits until 06:00 London later the same day in winter (GMT)', () => {
    expect(msUntilLondon(6, 0, at('2026-11-26T05:30:00Z'))).toBe(30 * 60_000);
  });

  it('waits until the next day once 06:00 has passed', () => {
    expect(msUntilLondon(6, 0, at('2026-11-26T06:00:00Z'))).toBe(24 * 3600_000);
  });

  it('runs at 06:00 BST (05:00 UTC) in summer', () => {
    expect(msUntilLondon(6, 0, at('2026-07-01T04:00:00Z'))).toBe(3600_000);
  });

  it('counts a 23-hour day across the spring clock change', () => {
    expect(msUntilLondon(6, 0, at('2026-03-28T06:00:00Z'))).toBe(23 * 3600_000);
  });
});
