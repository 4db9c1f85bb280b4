import path from 'node:path';
import { build } from 'vite';

/**
 * Builds a small test page (a folder with index.html and its script) into an output folder, for browser tests
 * that exercise renderer modules directly. Run in a child process: `node --import tsx build-page.ts <root> <out>`.
 * RxDB pins its own Dexie; pages that also import Dexie must get that same copy (Dexie refuses two versions).
 */
const [root, outDir] = process.argv.slice(2);
if (!root || !outDir) throw new Error('usage: build-page.ts <root> <outDir>');
await build({
  configFile: false,
  root: path.resolve(root),
  logLevel: 'warn',
  build: { outDir: path.resolve(outDir), emptyOutDir: true, minify: false, chunkSizeWarningLimit: 10_000 },
  resolve: { alias: { dexie: path.resolve(import.meta.dirname, '../../node_modules/rxdb/node_modules/dexie') } },
});
