import type { Plugin } from 'vite';

/** A file the page fetches at run time: `url` under the site's base, its bytes made in Node. */
export interface RuntimeAsset {
  readonly url: string;
  readonly type: string;
  read(): Promise<Uint8Array>;
}

/**
 * Serves generated or copied files in `vite` dev (a middleware) and writes the same files into the
 * static build (emitted assets), so the page fetches one URL either way. `list` runs per request in
 * dev and once per build, so files that appear later (a freshly trained predictor) are picked up.
 */
export function serveOrEmit(name: string, list: () => Promise<readonly RuntimeAsset[]>): Plugin {
  return {
    name,
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const path = decodeURIComponent((req.url ?? '').split('?')[0]!).replace(/^\//, '');
        list()
          .then(async (assets) => {
            const asset = assets.find((a) => a.url === path);
            if (asset === undefined) return next();
            const bytes = await asset.read();
            res.setHeader('Content-Type', asset.type);
            res.setHeader('Cache-Control', 'no-cache');
            res.end(bytes);
          })
          .catch(next);
      });
    },
    async generateBundle() {
      for (const asset of await list()) this.emitFile({ type: 'asset', fileName: asset.url, source: await asset.read() });
    },
  };
}
