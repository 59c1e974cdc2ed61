/**
 * API Gateway's per-route throttles, locally: one token bucket per route of the route table, with the rate and
 * burst the CDK stage is given (`routeThrottle` in lib/routes.ts, the same source), so a flood on the public form is
 * refused locally as in the cloud and cannot slow the applicant and staff routes.
 *
 * A bucket holds at most `burstLimit` tokens and gains `rateLimit` a second; a request takes one or is refused.
 * API Gateway's own answer is then `429 {"message":"Too Many Requests"}` (lib/local/http-adapter.ts sends it).
 * Differences from AWS: API Gateway's buckets are per stage and region and only approximately exact; the account's
 * own limit (10,000/s) and the stage's default (which every route here overrides) are not modelled.
 */
import { ROUTES, type Route, routeThrottle } from '../routes.ts';

export interface RouteThrottles {
  /** Takes a token of that route's bucket: false when there is none (answer 429). */
  take(route: Route, nowMs?: number): boolean;
  enabled: boolean;
}

const routeKey = (route: Route) => `${route.method} ${route.path}`;

export const createRouteThrottles = (
  enabled: boolean,
  routes: readonly Route[] = ROUTES,
  nowMs = Date.now(),
): RouteThrottles => {
  const buckets = new Map(
    routes.map((route) => {
      const { rateLimit, burstLimit } = routeThrottle(route);
      return [routeKey(route), { rateLimit, burstLimit, tokens: burstLimit, at: nowMs }];
    }),
  );
  return {
    enabled,
    take(route, now = Date.now()) {
      if (!this.enabled) return true;
      const bucket = buckets.get(routeKey(route));
      if (!bucket) return true;
      bucket.tokens = Math.min(
        bucket.burstLimit,
        bucket.tokens + ((now - bucket.at) / 1000) * bucket.rateLimit,
      );
      bucket.at = now;
      if (bucket.tokens < 1) return false;
      bucket.tokens -= 1;
      return true;
    },
  };
};
