import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../sync-server/src/config';

describe('config', () => {
  it('defaults to the embedded database under ./data and the sandbox without Twilio credentials', () => {
    const c = loadConfig({});
    expect(c.PORT).toBe(8787);
    expect(c.database.kind).toBe('pglite');
    expect(c.sandbox).toBe(true);
    expect(c.twilio).toBeNull();
    expect(c.publicBaseUrl).toBe('http://localhost:8787');
  });

  it('switches to PostgreSQL and real Twilio from the environment', () => {
    const c = loadConfig({
      DATABASE_URL: 'postgres://u@db:5432/ringside',
      TWILIO_ACCOUNT_SID: 'AC' + 'a'.repeat(32),
      TWILIO_AUTH_TOKEN: 'b'.repeat(32),
      PUBLIC_BASE_URL: 'https://calls.example.com/',
    });
    expect(c.database).toEqual({ kind: 'postgres', url: 'postgres://u@db:5432/ringside' });
    expect(c.sandbox).toBe(false);
    expect(c.twilio).toMatchObject({ accountSid: 'AC' + 'a'.repeat(32), apiBaseUrl: 'https://api.twilio.com' });
    expect(c.publicBaseUrl).toBe('https://calls.example.com');
  });

  it('fails fast naming each malformed variable', () => {
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', TWILIO_ACCOUNT_SID: 'nope' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const msg = (err as Error).message;
      expect(msg).toContain('PORT');
      expect(msg).toContain('DATABASE_URL');
      expect(msg).toContain('TWILIO_ACCOUNT_SID');
    }
  });

  it('refuses half-configured credentials', () => {
    expect(() => loadConfig({ TWILIO_ACCOUNT_SID: 'AC' + '1'.repeat(32) })).toThrow(/set both or neither/);
    expect(() => loadConfig({ ADMIN_EMAIL: 'a@b.test' })).toThrow(/ADMIN_EMAIL and ADMIN_PASSWORD/);
  });
});
