// Stands in for Node-only modules the libraries import lazily (Dawn's `webgpu`, `pngjs`, `node:fs`…): failing
// on import lets them report "unavailable" with a reason instead of bundling native code.
throw new Error('this package is Node-only and is not part of the browser build');
