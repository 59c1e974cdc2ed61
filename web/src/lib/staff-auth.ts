/**
 * Staff sign-in for the staff pages. In the cloud: Cognito's hosted UI with the authorization code grant and PKCE
 * (a browser cannot keep a client secret); the id token, whose audience is the app client API Gateway's JWT
 * authorizer checks, is kept in sessionStorage so it dies with the tab. Locally (`stage: local`) the local
 * stack's dev token stands in for Cognito.
 */
import { ApiError, callApi, loadConfig, NetworkError, type SiteConfig } from './api.ts';
import { h } from './dom.ts';

const TOKEN_KEY = 'staff-id-token';
const PKCE_KEY = 'staff-pkce';
export const CALLBACK_PATH = '/staff/callback.html';
const SCOPES = 'openid email profile';
/** A token this close to expiry is treated as expired: a request sent with it could arrive too late. */
const EXPIRY_MARGIN_SECONDS = 30;

interface Claims {
  exp?: number;
  email?: string;
  'cognito:groups'?: string[];
}

const base64UrlDecode = (text: string): string => {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/');
  return atob(base64.padEnd(base64.length + ((4 - (base64.length % 4)) % 4), '='));
};

const base64Url = (bytes: Uint8Array): string =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

/** The token's claims, read only to show who is signed in and when to sign in again: the API verifies it. */
export const claimsOf = (token: string): Claims => {
  try {
    return JSON.parse(base64UrlDecode(token.split('.')[1] ?? '')) as Claims;
  } catch {
    return {};
  }
};

export const storedToken = (): string | undefined => {
  const token = sessionStorage.getItem(TOKEN_KEY) ?? undefined;
  const exp = token ? claimsOf(token).exp : undefined;
  if (token && (exp === undefined || exp - EXPIRY_MARGIN_SECONDS < Date.now() / 1000)) {
    sessionStorage.removeItem(TOKEN_KEY);
    return undefined;
  }
  return token;
};

const storeToken = (token: string): void => sessionStorage.setItem(TOKEN_KEY, token);

const isLocal = (config: SiteConfig): boolean => config.stage === 'local' || !config.cognito;

/** `config.cognito.domain` is the hosted UI's base URL; accept a bare host name too. */
const cognitoBase = (config: SiteConfig): string => {
  const domain = config.cognito?.domain ?? '';
  return (/^https:\/\//.test(domain) ? domain : `https://${domain}`).replace(/\/+$/, '');
};

const callbackUrl = (): string => `${window.location.origin}${CALLBACK_PATH}`;

/** Only a path of this site: a crafted `returnTo` must not send a signed-in member of staff elsewhere. */
const safeReturnTo = (value: string | undefined): string =>
  value?.startsWith('/staff/') && !value.startsWith('//') ? value : '/staff/index.html';

/**
 * Signs in. Locally the dev token arrives at once and this resolves; in the cloud the browser leaves for the
 * hosted UI and comes back to callback.html, which returns to `returnTo`.
 */
export const signIn = async (returnTo: string): Promise<void> => {
  const config = await loadConfig();
  if (isLocal(config)) {
    const { token } = await callApi<{ token: string }>('/__dev/staff-token');
    storeToken(token);
    return;
  }
  const verifier = base64Url(crypto.getRandomValues(new Uint8Array(32)));
  const state = base64Url(crypto.getRandomValues(new Uint8Array(16)));
  const challenge = base64Url(
    new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))),
  );
  sessionStorage.setItem(PKCE_KEY, JSON.stringify({ verifier, state, returnTo: safeReturnTo(returnTo) }));
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: config.cognito?.clientId ?? '',
    redirect_uri: callbackUrl(),
    scope: SCOPES,
    state,
    code_challenge_method: 'S256',
    code_challenge: challenge,
  });
  window.location.assign(`${cognitoBase(config)}/oauth2/authorize?${query}`);
};

/** Ends the session here; in the cloud also the hosted UI's, which sends the browser back to the queue. */
export const signOut = async (): Promise<void> => {
  sessionStorage.removeItem(TOKEN_KEY);
  const config = await loadConfig();
  if (isLocal(config)) {
    window.location.reload();
    return;
  }
  const query = new URLSearchParams({
    client_id: config.cognito?.clientId ?? '',
    logout_uri: `${window.location.origin}/staff/index.html`,
  });
  window.location.assign(`${cognitoBase(config)}/logout?${query}`);
};

/** callback.html: swaps the authorization code for tokens; resolves to the page to go back to. */
export const completeSignIn = async (search: string): Promise<string> => {
  const params = new URLSearchParams(search);
  const saved = JSON.parse(sessionStorage.getItem(PKCE_KEY) ?? 'null') as {
    verifier: string;
    state: string;
    returnTo: string;
  } | null;
  sessionStorage.removeItem(PKCE_KEY);
  const error = params.get('error_description') ?? params.get('error');
  if (error) throw new Error(`Sign-in was not completed: ${error}`);
  const code = params.get('code');
  if (!saved || !code || params.get('state') !== saved.state) {
    throw new Error('This sign-in link is not the one this browser started: sign in again.');
  }
  const config = await loadConfig();
  const response = await fetch(`${cognitoBase(config)}/oauth2/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: config.cognito?.clientId ?? '',
      code,
      redirect_uri: callbackUrl(),
      code_verifier: saved.verifier,
    }),
  });
  if (!response.ok) throw new Error(`Sign-in failed: the sign-in service answered ${response.status}.`);
  const { id_token: idToken } = (await response.json()) as { id_token?: string };
  if (!idToken) throw new Error('Sign-in failed: no identity token came back.');
  storeToken(idToken);
  return safeReturnTo(saved.returnTo);
};

/** The API refused the token (401) or the person (403): the page shows sign-in or says why. */
export class StaffAccessError extends Error {
  override readonly name = 'StaffAccessError';

  constructor(readonly reason: 'signed-out' | 'not-in-team') {
    super(reason);
  }
}

/** A staff API call with the signed-in token; 401 forgets the token. */
export const staffApi = async <T>(
  path: string,
  request: { method?: 'GET' | 'POST'; body?: unknown } = {},
): Promise<T> => {
  const token = storedToken();
  if (!token) throw new StaffAccessError('signed-out');
  try {
    return await callApi<T>(path, { ...request, token });
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      sessionStorage.removeItem(TOKEN_KEY);
      throw new StaffAccessError('signed-out');
    }
    if (error instanceof ApiError && error.status === 403) throw new StaffAccessError('not-in-team');
    throw error;
  }
};

/**
 * A staff API answer that is a file (the report's CSV), as a Blob: a link cannot carry the bearer token, so the
 * page fetches it and offers the Blob for download. Same sign-in handling as staffApi.
 */
export const staffFile = async (path: string): Promise<Blob> => {
  const token = storedToken();
  if (!token) throw new StaffAccessError('signed-out');
  const { apiUrl } = await loadConfig();
  let response: Response;
  try {
    response = await fetch(`${apiUrl}${path}`, {
      headers: { Authorization: `Bearer ${token}` },
      cache: 'no-store',
    });
  } catch (error) {
    throw new NetworkError('We could not reach the service', { cause: error });
  }
  if (response.status === 401) {
    sessionStorage.removeItem(TOKEN_KEY);
    throw new StaffAccessError('signed-out');
  }
  if (response.status === 403) throw new StaffAccessError('not-in-team');
  if (!response.ok) {
    throw new ApiError(response.status, {
      type: 'about:blank',
      title: response.statusText || 'The request failed',
      status: response.status,
    });
  }
  return response.blob();
};

const STAFF_PAGES = [
  { page: 'queue', href: 'index.html', name: 'Applications' },
  { page: 'reports', href: 'reports.html', name: 'Compliance report' },
  { page: 'capacity', href: 'capacity.html', name: 'Capacity' },
] as const;

export type StaffPageName = (typeof STAFF_PAGES)[number]['page'];

/** The bar above a staff page: the staff pages (`current` marked), who is signed in, and Sign out. */
export const accountBar = (current?: StaffPageName): HTMLElement => {
  const token = storedToken();
  const who = token ? claimsOf(token).email : undefined;
  const button = h('button', { type: 'button', class: 'button button--secondary' }, 'Sign out');
  button.addEventListener('click', () => void signOut());
  return h(
    'div',
    { class: 'staff-bar' },
    h(
      'nav',
      { class: 'staff-bar__nav', 'aria-label': 'Staff pages' },
      h(
        'ul',
        {},
        ...STAFF_PAGES.map(({ page, href, name }) =>
          h('li', {}, h('a', { href, 'aria-current': page === current ? 'page' : undefined }, name)),
        ),
      ),
    ),
    h('p', { class: 'staff-bar__who' }, who ? `Signed in as ${who}` : 'Signed in'),
    button,
  );
};

/**
 * What a staff page shows instead of its content when the API refused: a sign-in button, or why this person
 * cannot use the staff pages. `onSignedIn` runs after a local sign-in (in the cloud the page is left instead).
 */
export const accessView = async (
  reason: StaffAccessError['reason'],
  onSignedIn: () => void,
): Promise<HTMLElement[]> => {
  const config = await loadConfig();
  if (reason === 'not-in-team') {
    const signOutButton = h('button', { type: 'button', class: 'button button--secondary' }, 'Sign out');
    signOutButton.addEventListener('click', () => void signOut());
    return [
      h('h1', {}, 'You need to be in the affiliate team'),
      h(
        'p',
        {},
        'You are signed in, but your account is not in the affiliate team, so it cannot see applications. Ask an administrator to add you to the team, then sign in again.',
      ),
      signOutButton,
    ];
  }
  const local = isLocal(config);
  const button = h(
    'button',
    { type: 'button', class: 'button', id: 'sign-in' },
    local ? 'Sign in (local development)' : 'Sign in',
  );
  const status = h('p', { class: 'error-text', role: 'alert' });
  button.addEventListener('click', () => {
    button.setAttribute('aria-disabled', 'true');
    signIn(`${window.location.pathname}${window.location.hash}`)
      .then(() => {
        if (local) onSignedIn();
      })
      .catch(() => {
        status.textContent = 'Sign-in failed. Try again in a moment.';
        button.removeAttribute('aria-disabled');
      });
  });
  return [
    h('h1', {}, 'Sign in to see applications'),
    h(
      'p',
      {},
      local
        ? 'This is the local development stack: signing in takes a development token for the affiliate team.'
        : 'The staff pages are for the affiliate team. Sign in with your work account and authenticator app.',
    ),
    button,
    status,
  ];
};
