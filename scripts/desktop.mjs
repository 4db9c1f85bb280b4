// `npm run desktop`: build what is out of date and open the desktop app against the configured sync server
// (RINGSIDE_SERVER_URL, else the address saved in the app; on first launch the app asks for one).
// Unlike `npm start` it starts no server.
import {
  buildIfStale,
  ELECTRON_INSTALL_HINT,
  findElectronBinary,
  handleStopSignals,
  ROOT,
  say,
  startChild,
} from './launch.mjs';

const electron = findElectronBinary();
if (!electron.found) {
  console.error(
    `Cannot open the Ringside desktop app: ${electron.reason}.\n${ELECTRON_INSTALL_HINT}\n` +
      'Without it, run `npm start` and use the web app in a browser.',
  );
  process.exit(1);
}

try {
  await buildIfStale();
} catch (err) {
  console.error(`Cannot open the Ringside desktop app: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}

const server = process.env.RINGSIDE_SERVER_URL;
say(server ? `opening the desktop app against ${server}` : 'opening the desktop app (server from its saved settings)');
const desktop = startChild('desktop app', electron.path, [ROOT]);
handleStopSignals(() => [desktop], { onStopped: () => process.exit(0) });
const { code, signal } = await desktop.exited;
process.exit(code ?? (signal ? 1 : 0));
