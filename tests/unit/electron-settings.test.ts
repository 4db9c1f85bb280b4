import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { normaliseServerUrl, ServerUrlError, SettingsStore, type SecretCipher } from '../../electron/main/settings';

/**
 * A real AES-256-GCM cipher standing in for the OS keyring (safeStorage is only available inside Electron).
 * `available` can be switched off to model a desktop without a keyring.
 */
class TestKeyring implements SecretCipher {
  available = true;
  constructor(private readonly key = randomBytes(32)) {}
  availability() {
    return this.available
      ? ({ available: true } as const)
      : ({ available: false, reason: 'no keyring in this test.' } as const);
  }
  encrypt(plainText: string): Uint8Array {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plainText, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]);
  }
  decrypt(encrypted: Uint8Array): string {
    const data = Buffer.from(encrypted);
    const decipher = createDecipheriv('aes-256-gcm', this.key, data.subarray(0, 12));
    decipher.setAuthTag(data.subarray(12, 28));
    return Buffer.concat([decipher.update(data.subarray(28)), decipher.final()]).toString('utf8');
  }
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'ringside-settings-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const TOKEN = 'rs_live_8f3a1c2b9d7e6f5a4b3c2d1e0f9a8b7c';

describe('server address', () => {
  it('normalises to the origin and refuses what a CSP or a browser cannot use', () => {
    expect(normaliseServerUrl('  https://ringside.example.org/app/?x=1#y ')).toBe('https://ringside.example.org');
    expect(normaliseServerUrl('http://localhost:8787/')).toBe('http://localhost:8787');
    expect(() => normaliseServerUrl('ftp://example.org')).toThrow(ServerUrlError);
    expect(() => normaliseServerUrl('localhost:8787')).toThrow(ServerUrlError);
    expect(() => normaliseServerUrl('https://user:secret@example.org')).toThrow(ServerUrlError);
    expect(() => normaliseServerUrl('http://[::1]:8787')).toThrow(/IPv6/);
  });

  it('is remembered across restarts', async () => {
    const first = await SettingsStore.open({ dir, cipher: new TestKeyring() });
    const { settings, originChanged } = await first.setServerUrl('http://localhost:8787/');
    expect(originChanged).toBe(true);
    expect(settings).toMatchObject({ serverUrl: 'http://localhost:8787', serverUrlSource: 'saved' });
    const second = await SettingsStore.open({ dir, cipher: new TestKeyring() });
    expect(second.getSettings()).toMatchObject({ serverUrl: 'http://localhost:8787', serverUrlSource: 'saved' });
  });

  it('reports no origin change when the same server is saved again', async () => {
    const store = await SettingsStore.open({ dir, cipher: new TestKeyring() });
    await store.setServerUrl('http://localhost:8787');
    expect((await store.setServerUrl('http://localhost:8787/login')).originChanged).toBe(false);
  });

  it('uses the environment override until the person picks another server', async () => {
    await (await SettingsStore.open({ dir, cipher: new TestKeyring() })).setServerUrl('https://saved.example.org');
    const store = await SettingsStore.open({
      dir,
      cipher: new TestKeyring(),
      environmentServerUrl: 'http://localhost:9999',
    });
    expect(store.getSettings()).toMatchObject({ serverUrl: 'http://localhost:9999', serverUrlSource: 'environment' });
    await store.setServerUrl('https://other.example.org');
    expect(store.getSettings()).toMatchObject({ serverUrl: 'https://other.example.org', serverUrlSource: 'saved' });
  });

  it('sets an unreadable settings file aside and starts from defaults', async () => {
    await writeFile(path.join(dir, 'settings.json'), '{"version": 1, "serverUrl": ');
    const warnings: string[] = [];
    const store = await SettingsStore.open({ dir, cipher: new TestKeyring(), onWarning: (m) => warnings.push(m) });
    expect(store.getSettings()).toMatchObject({ serverUrl: null, serverUrlSource: 'none' });
    expect(warnings).toHaveLength(1);
    expect((await readdir(dir)).some((name) => name.startsWith('settings.json.unreadable-'))).toBe(true);
  });
});

describe('session token', () => {
  it('is stored encrypted and read back for the same server', async () => {
    const keyring = new TestKeyring();
    const store = await SettingsStore.open({ dir, cipher: keyring });
    await store.setServerUrl('http://localhost:8787');
    expect(await store.setToken(TOKEN)).toEqual({ stored: true });
    const onDisk = await readFile(path.join(dir, 'session.bin'));
    expect(onDisk.toString('latin1')).not.toContain(TOKEN);
    expect(onDisk.toString('latin1')).not.toContain('localhost');
    const reopened = await SettingsStore.open({ dir, cipher: keyring });
    expect(await reopened.getToken()).toBe(TOKEN);
  });

  it('is refused, and nothing is written, when no keyring can encrypt it', async () => {
    const keyring = new TestKeyring();
    keyring.available = false;
    const store = await SettingsStore.open({ dir, cipher: keyring });
    await store.setServerUrl('http://localhost:8787');
    const result = await store.setToken(TOKEN);
    expect(result).toMatchObject({ stored: false, reason: 'ENCRYPTION_UNAVAILABLE' });
    expect(result.stored === false && result.message).toMatch(/cannot be remembered.*no keyring in this test/);
    expect(await readdir(dir)).not.toContain('session.bin');
    expect(store.getSettings().tokenStorage).toEqual({ available: false, reason: 'no keyring in this test.' });
    expect(await store.getToken()).toBeNull();
  });

  it('is not handed to a different server', async () => {
    const keyring = new TestKeyring();
    const store = await SettingsStore.open({ dir, cipher: keyring });
    await store.setServerUrl('https://one.example.org');
    await store.setToken(TOKEN);
    await store.setServerUrl('https://two.example.org');
    expect(await store.getToken()).toBeNull();
    await store.setServerUrl('https://one.example.org');
    expect(await store.getToken()).toBe(TOKEN);
  });

  it('needs a server first', async () => {
    const store = await SettingsStore.open({ dir, cipher: new TestKeyring() });
    expect(await store.setToken(TOKEN)).toMatchObject({ stored: false, reason: 'NO_SERVER' });
  });

  it('is gone after clearToken', async () => {
    const store = await SettingsStore.open({ dir, cipher: new TestKeyring() });
    await store.setServerUrl('http://localhost:8787');
    await store.setToken(TOKEN);
    await store.clearToken();
    expect(await store.getToken()).toBeNull();
    expect(await readdir(dir)).not.toContain('session.bin');
  });

  it('written under another keyring is discarded instead of failing the app', async () => {
    const store = await SettingsStore.open({ dir, cipher: new TestKeyring() });
    await store.setServerUrl('http://localhost:8787');
    await store.setToken(TOKEN);
    const warnings: string[] = [];
    const otherMachine = await SettingsStore.open({
      dir,
      cipher: new TestKeyring(),
      onWarning: (m) => warnings.push(m),
    });
    expect(await otherMachine.getToken()).toBeNull();
    expect(warnings).toEqual(['the stored session could not be decrypted and was removed']);
    expect(await readdir(dir)).not.toContain('session.bin');
  });

  it('keeps the last of several concurrent writes whole', async () => {
    const keyring = new TestKeyring();
    const store = await SettingsStore.open({ dir, cipher: keyring });
    await store.setServerUrl('http://localhost:8787');
    const tokens = Array.from({ length: 20 }, (_, i) => `${TOKEN}-${i}`);
    await Promise.all(tokens.map((t) => store.setToken(t)));
    expect(await store.getToken()).toBe(tokens.at(-1));
    expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });
});
