// Bundles the browser code with esbuild: node site_src/bundle.mjs OUTDIR METAFILE ENTRY...
//
// METAFILE receives esbuild's account of the output: which chunk each module became and what
// it imports, so that the hooks can preload a page's chunks without guessing their names.
//
// TF.js's WebAssembly backend imports its multi-threaded loader unconditionally. Threads need a
// cross-origin isolated page, which static hosts such as GitHub Pages do not give, and the
// classifier turns them off; the loader is swapped for an empty module to keep ~11 KB gzipped
// off the page.

import {writeFile} from 'node:fs/promises';
import {build} from 'esbuild';

const THREADED_LOADER = /tfjs-backend-wasm-threaded-simd(\.worker)?\.js$/;

const withoutThreads = {
  name: 'without-wasm-threads',
  setup(bundler) {
    bundler.onResolve({filter: THREADED_LOADER}, ({path}) => ({path, namespace: 'without-wasm-threads'}));
    bundler.onLoad({filter: /.*/, namespace: 'without-wasm-threads'}, () => ({
      contents: 'export default {}; export const wasmWorkerContents = "";',
      loader: 'js',
    }));
  },
};

const [outdir, metafile, ...entryPoints] = process.argv.slice(2);
if (!outdir || !metafile || !entryPoints.length) {
  console.error('usage: node site_src/bundle.mjs OUTDIR METAFILE ENTRY...');
  process.exit(2);
}
const result = await build({
  entryPoints,
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  minify: true,
  target: 'es2020',
  entryNames: '[name]',
  chunkNames: '[name]-[hash]',
  assetNames: 'fonts/[name]-[hash]',
  loader: {'.woff2': 'file', '.woff': 'file', '.ttf': 'file'},  // KaTeX's fonts
  logLevel: 'warning',
  plugins: [withoutThreads],
  metafile: true,
}).catch(() => process.exit(1));
await writeFile(metafile, JSON.stringify(result.metafile));
