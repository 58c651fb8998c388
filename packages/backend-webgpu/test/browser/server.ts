/**
 * A static server for the Chromium run, on the loopback interface only: the page, its bundle
 * and the PyTorch fixtures (read-only, confined to the fixtures folder).
 */
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export interface StaticServer {
  /** `http://127.0.0.1:<port>/` */
  readonly url: string;
  close(): Promise<void>;
}

export interface ServerOptions {
  /** The page's ES module (from `bundlePage()`). */
  readonly bundle: string;
  /** Served under `/fixtures/`; undefined or missing: every fixture is a 404 that says why. */
  readonly fixturesDir: string | undefined;
}

const page = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>matryoshka backend-webgpu: portable suite</title>
<link rel="icon" href="data:,">
<style>
  body { font: 14px system-ui, sans-serif; margin: 16px; }
  table { border-collapse: collapse; }
  td { border: 1px solid #ccc; padding: 2px 6px; vertical-align: top; }
  tr.ok td:first-child { color: #080; } tr.fail td:first-child, .fail { color: #b00; }
  pre { margin: 0; white-space: pre-wrap; font-size: 12px; }
</style>
</head>
<body><p>loading…</p><script type="module" src="/bundle.js"></script></body>
</html>
`;

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
  res.end(body);
}

/** The file `/fixtures/<rest>` names, or undefined if it would leave the folder or is not a file. */
async function fixtureFile(fixturesDir: string, rest: string): Promise<string | undefined> {
  let name: string;
  try {
    name = decodeURIComponent(rest);
  } catch {
    return undefined;
  }
  if (name === '' || name.includes('\0')) return undefined;
  const root = await realpath(fixturesDir);
  const candidate = path.resolve(root, name);
  if (!candidate.startsWith(root + path.sep)) return undefined;
  try {
    // Resolve links too: a link inside the folder must not lead out of it.
    const real = await realpath(candidate);
    if (!real.startsWith(root + path.sep) || !(await stat(real)).isFile()) return undefined;
    return real;
  } catch {
    return undefined;
  }
}

export async function startServer(options: ServerOptions): Promise<StaticServer> {
  const server = createServer((req, res) => {
    void (async () => {
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'GET only\n');
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (url.pathname === '/' || url.pathname === '/index.html') return send(res, 200, 'text/html; charset=utf-8', page);
      if (url.pathname === '/bundle.js') return send(res, 200, 'text/javascript; charset=utf-8', options.bundle);
      if (url.pathname.startsWith('/fixtures/')) {
        if (options.fixturesDir === undefined) return send(res, 404, 'text/plain', 'no fixtures folder: set MATRYOSHKA_FIXTURES\n');
        const file = await fixtureFile(options.fixturesDir, url.pathname.slice('/fixtures/'.length)).catch(() => undefined);
        if (file === undefined) return send(res, 404, 'text/plain', `not a fixture: ${url.pathname}\n`);
        const { size } = await stat(file);
        const type = file.endsWith('.json') ? 'application/json' : 'application/octet-stream';
        res.writeHead(200, { 'content-type': type, 'content-length': size, 'cache-control': 'no-store' });
        if (req.method === 'HEAD') return res.end();
        createReadStream(file)
          .on('error', (error) => res.destroy(error))
          .pipe(res);
        return;
      }
      return send(res, 404, 'text/plain', `not found: ${url.pathname}\n`);
    })().catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, 'text/plain', `${String(error)}\n`);
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error === undefined ? resolve() : reject(error)));
      }),
  };
}
