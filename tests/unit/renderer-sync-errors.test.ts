import { describe, expect, it } from 'vitest';
import { classifySyncError } from '../../renderer/src/db/sync-errors';

const SERVER = 'http://sync.example';

/** What RxDB emits on error$ for a failing pull handler: RC_PULL with the handler's errors as plain JSON. */
const rcPull = (inner: Record<string, unknown>) => ({
  name: 'RxError',
  message: 'RxError (RC_PULL)',
  code: 'RC_PULL',
  parameters: { errors: [inner] },
});

describe('sync error classification', () => {
  it('reads the server code from an RxDB-wrapped replication error', () => {
    const e = classifySyncError(
      rcPull({ name: 'SyncHttpError', code: 'TOKEN_REVOKED', message: 'this session was signed out or revoked' }),
      SERVER,
    );
    expect(e).toEqual({
      code: 'TOKEN_REVOKED',
      message: 'Your session was signed out or revoked. Sign in again to keep syncing.',
    });
  });

  it('treats the replication client’s OFFLINE as a network failure', () => {
    expect(
      classifySyncError({ name: 'SyncHttpError', code: 'OFFLINE', message: 'cannot reach the sync server' }, SERVER)
        .code,
    ).toBe('NETWORK');
  });

  it('recognises browser network failures by their message', () => {
    expect(classifySyncError(rcPull({ name: 'TypeError', message: 'Failed to fetch' }), SERVER).code).toBe('NETWORK');
  });

  it('says in words that the app is older than the server', () => {
    expect(
      classifySyncError(rcPull({ code: 'SCHEMA_OUTDATED', message: 'calls is at schema version 1' }), SERVER).message,
    ).toBe('This app is older than the server. Update the app to keep syncing.');
  });

  it('keeps the inner message of an unknown failure', () => {
    expect(classifySyncError(rcPull({ name: 'Error', message: 'disk full' }), SERVER)).toEqual({
      code: null,
      message: 'Sync failed: disk full',
    });
  });
});
