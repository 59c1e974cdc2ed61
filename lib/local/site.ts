/**
 * The static site server of the local stack: builds web/ into `distDir`, then serves it on 127.0.0.1 the way the
 * CDN does in the cloud (content types, 404 page), plus the `/config.json` the pages read to find the API.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve, sep } from 'node:path';
import { buildSite } from '../../web/build.ts';

export interface SiteConfig {
  /** The API base URL, no trailing slash. */
  apiUrl: string;
  stage: string;
  /** The induction and therapy-website account links (lib/config.ts): absolute, or paths on this site. */
  links: { therapyAccountUrl: string; inductionBookingUrl: string };
}

export interface SiteOptions {
  /** 0 picks a free port. */
  port: number;
  distDir: string;
  config: SiteConfig;
}

export interface Site {
  url: string;
  stop(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.pdf': 'application/pdf',
};

/**
 * The pages talk to the API and upload to S3 on other local ports, and the staff pages preview documents from S3
 * (images, PDFs in a frame); anything else (inline script, a foreign origin) is refused, so a page that would
 * break under the cloud's CSP breaks here first.
 */
const LOCAL_ORIGINS = 'http://127.0.0.1:* http://localhost:*';
const contentSecurityPolicy = (apiUrl: string): string =>
  [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src 'self' data: ${LOCAL_ORIGINS}`,
    `frame-src ${LOCAL_ORIGINS}`,
    `connect-src 'self' ${new URL(apiUrl).origin} ${LOCAL_ORIGINS}`,
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
  ].join('; ');

/** The file under `root` a URL path names, or undefined when it would leave `root` or is not a path at all. */
const fileFor = (root: string, url: string): string | undefined => {
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(url, 'http://site').pathname);
  } catch {
    return undefined;
  }
  if (pathname.includes('\0')) return undefined;
  const file = resolve(root, `.${pathname}`);
  return file === root || file.startsWith(`${root}${sep}`) ? file : undefined;
};

export const startSite = async ({ port, distDir, config }: SiteOptions): Promise<Site> => {
  const root = resolve(distDir);
  await buildSite(root);
  const configJson = JSON.stringify({
    apiUrl: config.apiUrl.replace(/\/+$/, ''),
    stage: config.stage,
    links: config.links,
  });
  const headers = {
    'Cache-Control': 'no-cache',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Content-Security-Policy': contentSecurityPolicy(config.apiUrl),
  };

  const send = async (response: ServerResponse, status: number, file: string, head: boolean) => {
    const { size } = await stat(file);
    response.writeHead(status, {
      ...headers,
      'Content-Type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'Content-Length': size,
    });
    if (head) response.end();
    else createReadStream(file).pipe(response);
  };

  const notFound = (response: ServerResponse, head: boolean) =>
    send(response, 404, join(root, '404.html'), head);

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const head = request.method === 'HEAD';
    if (request.method !== 'GET' && !head) {
      response.writeHead(405, {
        ...headers,
        Allow: 'GET, HEAD',
        'Content-Type': 'text/plain; charset=utf-8',
      });
      response.end('Method not allowed');
      return;
    }
    const url = request.url ?? '/';
    if (new URL(url, 'http://site').pathname === '/config.json') {
      response.writeHead(200, {
        ...headers,
        'Content-Type': CONTENT_TYPES['.json'],
        'Content-Length': Buffer.byteLength(configJson),
      });
      response.end(head ? undefined : configJson);
      return;
    }
    const file = fileFor(root, url);
    if (!file) return notFound(response, head);
    const found = await stat(file).catch(() => undefined);
    if (found?.isFile()) return send(response, 200, file, head);
    if (found?.isDirectory()) {
      const index = join(file, 'index.html');
      if ((await stat(index).catch(() => undefined))?.isFile()) return send(response, 200, index, head);
    }
    return notFound(response, head);
  };

  const server = createServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
      response.end('Internal error');
    });
  });
  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolvePromise());
  });
  const { port: boundPort } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${boundPort}`,
    stop: () =>
      new Promise<void>((resolvePromise, reject) => {
        server.close((error) => (error ? reject(error) : resolvePromise()));
        server.closeAllConnections();
      }),
  };
};
