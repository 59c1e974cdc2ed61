/** Talks to the HTTP API (DESIGN §5). The API base URL comes from /config.json, written next to the pages. */
import type * as z from 'zod';
import { problemSchema } from '../../../lambdas/shared/schemas.ts';

export type Problem = z.infer<typeof problemSchema>;

export interface SiteConfig {
  apiUrl: string;
  stage: string;
  /** The staff pages' Cognito hosted UI; absent locally, where the dev token stands in for it. */
  cognito?: { domain: string; clientId: string; userPoolId: string };
  /** The induction and therapy-website account links: absolute, or paths on this site. */
  links?: { therapyAccountUrl: string; inductionBookingUrl: string };
}

let config: Promise<SiteConfig> | undefined;

export const loadConfig = (): Promise<SiteConfig> => {
  config ??= fetch('/config.json', { cache: 'no-store' }).then(async (response) => {
    if (!response.ok) throw new Error(`/config.json answered ${response.status}`);
    return (await response.json()) as SiteConfig;
  });
  return config;
};

/** The API answered with a problem (RFC 9457). */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(problem.detail ?? problem.title);
  }
}

/** The request never got an answer: offline, DNS, CORS, or the API is down. */
export class NetworkError extends Error {
  override readonly name = 'NetworkError';
}

interface Request {
  method?: 'GET' | 'POST' | 'PUT';
  body?: unknown;
  token?: string;
  idempotencyKey?: string;
}

export const callApi = async <T>(
  path: string,
  { method = 'GET', body, token, idempotencyKey }: Request = {},
) => {
  const { apiUrl } = await loadConfig();
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;
  if (idempotencyKey) headers['Idempotency-Key'] = idempotencyKey;
  let response: Response;
  try {
    response = await fetch(`${apiUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
    });
  } catch (error) {
    throw new NetworkError('We could not reach the service', { cause: error });
  }
  // The WAF in front of the API (lib/constructs/waf.ts) answers a submission from a browser that has not solved
  // its challenge with a 202 and a challenge page instead of the API's answer: the page must load again.
  const waf = response.headers.get('x-amzn-waf-action');
  if (waf) {
    throw new ApiError(response.status, {
      type: 'about:blank',
      title: 'Please reload this page and try again',
      status: response.status,
      detail:
        'Our protection against automated submissions needs to check this browser first. Reloading the page does that.',
    });
  }
  const payload: unknown = await response.json().catch(() => undefined);
  if (response.ok) return payload as T;
  const problem = problemSchema.safeParse(payload);
  throw new ApiError(
    response.status,
    problem.success
      ? problem.data
      : { type: 'about:blank', title: response.statusText || 'The request failed', status: response.status },
  );
};
