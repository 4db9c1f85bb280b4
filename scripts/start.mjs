// `npm start`: build what is out of date, start the sync server on the embedded database (./data) at
// http://localhost:8787 (PORT to change), wait until it is healthy, then open the desktop app when an
// Electron binary is installed, or print the address to open in a browser. Ctrl-C stops everything.
//
//   npm start                 build if needed, then run
//   npm start -- --no-build   run what is already in out/
//   npm start -- --no-desktop never open the desktop app (browser only)
import path from 'node:path';
import {
  buildIfStale,
  ELECTRON_INSTALL_HINT,
  findElectronBinary,
  handleStopSignals,
  ROOT,
  say,
  startChild,
  waitForHealth,
} from './launch.mjs';

const args = new Set(process.argv.slice(2));
for (const arg of args) {
  if (!['--no-build', '--no-desktop'].includes(arg)) {
    console.error(`Unknown option ${arg}. Use --no-build or --no-desktop.`);
    process.exit(2);
  }
}

const port = Number(process.env.PORT ?? 8787);
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  console.error(`PORT must be a port number from 1 to 65535 for npm start (got "${process.env.PORT}").`);
  process.exit(2);
}
const host = process.env.HOST || '127.0.0.1';
const probeHost = ['0.0.0.0', '::', '[::]'].includes(host) ? '127.0.0.1' : host;
const healthUrl = `http://${probeHost.includes(':') ? `[${probeHost}]` : probeHost}:${port}`;
const appUrl = (process.env.PUBLIC_BASE_URL || `http://localhost:${port}`).replace(/\/+$/, '');

const children = [];
const stopAll = handleStopSignals(() => [...children].reverse(), {
  onStopped: () => {
    say('stopped');
    process.exit(0);
  },
});

try {
  if (!args.has('--no-build')) await buildIfStale();

  say(`starting the sync server on port ${port} (data in ${process.env.DATA_DIR ?? './data'})…`);
  const server = startChild(
    'sync server',
    process.execPath,
    ['--import', 'tsx', path.join('sync-server', 'src', 'main.ts')],
    {
      env: { ...process.env, PORT: String(port) },
    },
  );
  children.push(server);
  void server.exited.then(({ code, signal }) => {
    say(`the sync server stopped (${signal ?? `exit code ${code}`})`);
    void stopAll().then(() => process.exit(code ?? 1));
  });

  const health = await waitForHealth(healthUrl, server);
  say(
    `sync server ready: version ${health.version}, ${health.database?.kind ?? 'database'}${health.sandbox ? ', Twilio sandbox' : ''}`,
  );

  const electron = args.has('--no-desktop') ? { found: false, reason: '--no-desktop' } : findElectronBinary();
  if (electron.found) {
    say(`opening the desktop app against ${appUrl}`);
    const desktop = startChild('desktop app', electron.path, [ROOT], {
      env: { ...process.env, RINGSIDE_SERVER_URL: appUrl },
    });
    children.push(desktop);
    void desktop.exited.then(() => {
      say('the desktop app closed; stopping the sync server');
      void stopAll();
    });
  } else {
    if (electron.reason !== '--no-desktop') say(`no desktop app: ${electron.reason}. ${ELECTRON_INSTALL_HINT}`);
    console.log(`\n  Ringside is running. Open ${appUrl} in your browser.\n  Press Ctrl-C to stop.\n`);
  }
} catch (err) {
  say(`could not start: ${err instanceof Error ? err.message : String(err)}`);
  await stopAll();
  process.exit(1);
}
