/** Serves the review harness with Vite: npx tsx renderer/src/features/review/dev/serve-harness.ts [port] */
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { createServer } from 'vite';

const port = Number(process.argv[2] ?? 5199);
const server = await createServer({
  root: resolve(import.meta.dirname, '../../../..'),
  configFile: false,
  plugins: [react()],
  server: { port, strictPort: true, host: '127.0.0.1' },
  logLevel: 'warn',
});
await server.listen();
console.log(`harness: http://127.0.0.1:${port}/src/features/review/dev/harness.html`);
