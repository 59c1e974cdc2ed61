import { describe, expect, it } from 'vitest';
import { createRouteThrottles } from '../../../lib/local/throttle.ts';
import { ROUTES } from '../../../lib/routes.ts';

const route = (method: string, path: string) => {
  const found = ROUTES.find((r) => r.method === method && r.path === path);
  if (!found) throw new Error(`no route ${method} ${path}`);
  return found;
};
const submit = route('POST', '/applications');
const health = route('GET', '/health');
const staffList = route('GET', '/staff/applications');

const takes = (n: number, take: () => boolean) => Array.from({ length: n }, take).filter(Boolean).length;

describe('the local per-route throttles (the CDK stage route settings)', () => {
  it('POST /applications: a burst of 5, then 2 a second', () => {
    const throttles = createRouteThrottles(true, ROUTES, 0);
    expect(takes(8, () => throttles.take(submit, 0))).toBe(5);
    expect(throttles.take(submit, 499)).toBe(false);
    expect(throttles.take(submit, 500)).toBe(true);
    expect(takes(3, () => throttles.take(submit, 1500))).toBe(2);
  });

  it('other public routes 5 a second (burst 10), staff 20 (burst 40), each route its own bucket', () => {
    const throttles = createRouteThrottles(true, ROUTES, 0);
    expect(takes(8, () => throttles.take(submit, 0))).toBe(5);
    expect(takes(12, () => throttles.take(health, 0))).toBe(10);
    expect(takes(45, () => throttles.take(staffList, 0))).toBe(40);
    expect(takes(30, () => throttles.take(staffList, 1000))).toBe(20);
    expect(takes(6, () => throttles.take(health, 1000))).toBe(5);
  });

  it('never refills above the burst', () => {
    const throttles = createRouteThrottles(true, ROUTES, 0);
    expect(takes(20, () => throttles.take(health, 60_000))).toBe(10);
  });

  it('off: never refuses', () => {
    const throttles = createRouteThrottles(false, ROUTES, 0);
    expect(takes(100, () => throttles.take(submit, 0))).toBe(100);
  });
});
