import path from 'node:path';
import { build } from 'vite';
import config from '../../electron.vite.config';

/**
 * Builds only the renderer from electron.vite.config.ts (run by tests/helpers/build.ts in a child process,
 * so a test worker does not load the bundler). Paths in that config are relative to the project root, as
 * electron-vite resolves them; plain vite resolves them against `root`, hence the absolute outDir.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const renderer = (config as { renderer?: Record<string, unknown> & { build?: Record<string, unknown> } }).renderer;
if (!renderer) throw new Error('electron.vite.config.ts has no renderer section');

await build({
  ...renderer,
  configFile: false,
  root: path.join(ROOT, 'renderer'),
  logLevel: 'warn',
  build: { ...renderer.build, outDir: path.join(ROOT, 'out/renderer'), emptyOutDir: true },
});
