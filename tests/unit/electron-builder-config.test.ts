import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * `npm run dist` cannot run here (electron-builder needs Electron's binaries), so the packaging config is
 * checked with electron-builder's own loader and schema validator, the first thing `electron-builder` does.
 */

// app-builder-lib and builder-util are electron-builder's internals (installed with it); their loader and
// validator have no types for this deep import, so they are described here.
interface BuilderConfig {
  appId?: string;
  productName?: string;
  asar?: boolean;
  icon?: string;
  files?: unknown;
  linux?: { target?: unknown };
  mac?: { target?: unknown };
  win?: { target?: unknown };
  electronFuses?: Record<string, boolean>;
  [key: string]: unknown;
}
const require = createRequire(import.meta.url);
const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
  getConfig(projectDir: string, configPath: string, fromOptions: null): Promise<BuilderConfig>;
  validateConfiguration(config: BuilderConfig, logger: unknown): Promise<void>;
};
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };

const root = path.resolve('.');
const load = () => getConfig(root, 'electron-builder.yml', null);

describe('electron-builder.yml', () => {
  it('passes electron-builder’s own schema validation', async () => {
    await expect(validateConfiguration(await load(), new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('is rejected by the same validator when it holds an unknown option', async () => {
    const config = { ...(await load()), linx: { target: ['AppImage'] } };
    await expect(validateConfiguration(config, new DebugLogger(false))).rejects.toThrow(/unknown property 'linx'/);
  });

  it('builds Ringside as an asar for Linux (AppImage, deb), macOS (dmg) and Windows (nsis)', async () => {
    const config = await load();
    expect(config).toMatchObject({
      productName: 'Ringside',
      appId: expect.stringMatching(/^[a-z]+(\.[a-z]+)+$/),
      asar: true,
    });
    expect(config.linux?.target).toEqual(['AppImage', 'deb']);
    expect(config.mac?.target).toEqual(['dmg']);
    expect(config.win?.target).toEqual(['nsis']);
    expect(config.electronFuses).toMatchObject({ runAsNode: false, onlyLoadAppFromAsar: true });
  });

  it('packages the build output the app starts from, without the server’s node_modules', async () => {
    const config = await load();
    const patterns = JSON.stringify(config.files);
    const pkg = JSON.parse(await readFile('package.json', 'utf8')) as { main: string; type: string };
    expect(pkg.main).toBe('out/main/index.js');
    expect(pkg.type).toBe('module');
    for (const required of [
      'out/main/**/*',
      'out/preload/**/*',
      'out/renderer/**/*',
      'package.json',
      '!node_modules/**/*',
    ]) {
      expect(patterns).toContain(required);
    }
  });

  it('has an icon large enough for every platform (PNG, at least 512×512)', async () => {
    const config = await load();
    const png = await readFile(path.resolve(config.icon ?? 'build/icon.png'));
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.subarray(12, 16).toString('ascii')).toBe('IHDR');
    const width = png.readUInt32BE(16);
    const height = png.readUInt32BE(20);
    expect(width).toBe(height);
    expect(width).toBeGreaterThanOrEqual(512);
  });
});
