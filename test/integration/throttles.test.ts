/**
 * API Gateway's per-route throttles, as the local adapter applies them (lib/local/throttle.ts, the CDK stage's
 * route settings): over a route's burst, `429 {"message":"Too Many Requests"}` as API Gateway answers it, while the
 * other routes keep answering. The shared test stack runs with them off; this file turns them on and off again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTE_THROTTLES } from '../../lib/routes.ts';
import { api, apiUrl } from './support.ts';

beforeAll(async () => {
  expect((await api('POST', '/__dev/throttles', { body: { enabled: true } })).body).toEqual({
    enabled: true,
  });
});
afterAll(async () => {
  await api('POST', '/__dev/throttles', { body: { enabled: false } });
});

describe('per-route throttles', () => {
  it('a burst on POST /applications beyond 5 answers 429 as API Gateway does; GET /health still answers', async () => {
    // Schema-invalid bodies: a 400 each, so the burst creates nothing.
    const answers = await Promise.all(
      Array.from({ length: 12 }, () => api('POST', '/applications', { body: { applicant: {} } })),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 400).length).toBeLessThanOrEqual(5 + 2);
    const refused = answers.filter((a) => a.status === 429);
    expect(refused.length).toBeGreaterThanOrEqual(12 - 5 - 2);
    for (const answer of refused) {
      expect(answer.headers.get('content-type')).toBe('application/json');
      expect(answer.body).toEqual({ message: 'Too Many Requests' });
    }
    expect((await api('GET', '/health')).status).toBe(200);
  });

  it('a burst on GET /health beyond its own bucket (public: 10) is refused, then served again a second later', async () => {
    const burst = ROUTE_THROTTLES.public.burstLimit;
    const statuses = await Promise.all(
      Array.from({ length: burst + 8 }, () => fetch(`${apiUrl()}/health`).then((r) => r.status)),
    );
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(8 - 2);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await api('GET', '/health')).status).toBe(200);
  });

  it('the dev route refuses anything but a boolean', async () => {
    const res = await api('POST', '/__dev/throttles', { body: { enabled: 'yes' } });
    expect(res.status).toBe(400);
    expect((await api('GET', '/__dev/throttles')).body).toEqual({ enabled: true });
  });
});
