/** The local static site server: what the CDN does in the cloud, and no more (no files outside the site). */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Site, startSite } from '../../lib/local/site.ts';

let workDir: string;
let site: Site;

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'site-server-'));
  // A secret next to the site: a traversal that escapes the site's directory would serve it.
  await writeFile(join(workDir, 'secret.txt'), 'not for the web');
  site = await startSite({
    port: 0,
    distDir: join(workDir, 'dist'),
    config: {
      apiUrl: 'http://127.0.0.1:3000/',
      stage: 'local',
      links: { therapyAccountUrl: '/therapy-account.html', inductionBookingUrl: 'https://example.org/book' },
    },
  });
});

afterAll(async () => {
  await site?.stop();
  await rm(workDir, { recursive: true, force: true });
});

/** A raw GET, so paths reach the server exactly as written (fetch would normalise `..` away). */
const get = (path: string, method = 'GET'): Promise<{ status: number; type: string; body: string }> =>
  new Promise((resolve, reject) => {
    const url = new URL(site.url);
    const req = request({ host: url.hostname, port: url.port, path, method }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, type: response.headers['content-type'] ?? '', body }),
      );
    });
    req.on('error', reject);
    req.end();
  });

describe('the local site server', () => {
  it('serves the built pages, scripts and styles with their content types', async () => {
    const home = await get('/');
    expect(home.status).toBe(200);
    expect(home.type).toBe('text/html; charset=utf-8');
    expect(home.body).toContain('Apply to join our therapist network');
    expect(home.body).toContain('Samaritans 24 hours a day on');
    expect(home.body).not.toContain('<!-- include:');
    expect((await get('/status.html')).type).toBe('text/html; charset=utf-8');
    expect((await get('/apply.js')).type).toBe('text/javascript; charset=utf-8');
    expect((await get('/styles.css')).type).toBe('text/css; charset=utf-8');
    expect((await get('/favicon.svg')).type).toBe('image/svg+xml');
  });

  it('bundles the pages without zod’s translations', async () => {
    const { body } = await get('/apply.js');
    const chunk = /\.\/chunks\/[\w-]+\.js/.exec(body)?.[0];
    expect(chunk).toBeDefined();
    const shared = await get(`/${chunk?.slice(2)}`);
    expect(shared.status).toBe(200);
    expect(shared.body.length).toBeLessThan(300_000);
    expect(shared.body).not.toContain('Nieprawidłowe');
  });

  it('answers /config.json with the API URL (no trailing slash), the stage and the induction links', async () => {
    const config = await get('/config.json');
    expect(config.type).toBe('application/json; charset=utf-8');
    expect(JSON.parse(config.body)).toEqual({
      apiUrl: 'http://127.0.0.1:3000',
      stage: 'local',
      links: { therapyAccountUrl: '/therapy-account.html', inductionBookingUrl: 'https://example.org/book' },
    });
  });

  it('answers unknown paths with the 404 page', async () => {
    const missing = await get('/no-such-page.html');
    expect(missing.status).toBe(404);
    expect(missing.type).toBe('text/html; charset=utf-8');
    expect(missing.body).toContain('Page not found');
  });

  it.each([
    '/../secret.txt',
    '/%2e%2e/secret.txt',
    '/..%2fsecret.txt',
    '/chunks/../../secret.txt',
    '/%00',
    '/%E0%A4%A',
  ])('never serves a file outside the site: %s', async (path) => {
    const response = await get(path);
    expect(response.status).toBe(404);
    expect(response.body).not.toContain('not for the web');
  });

  it('refuses methods other than GET and HEAD', async () => {
    expect((await get('/', 'POST')).status).toBe(405);
    const head = await get('/', 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
  });
});
