import { describe, expect, it } from 'vitest';
import { normaliseServerUrl } from '../../renderer/src/platform/storage';
import { databaseName } from '../../renderer/src/db/database';

describe('server address entered on the sign-in screen', () => {
  it.each([
    ['localhost:8787', 'http://localhost:8787'],
    ['  https://ringside.example.co.uk/ ', 'https://ringside.example.co.uk'],
    ['https://ringside.example.co.uk/app/#/review', 'https://ringside.example.co.uk'],
    ['HTTP://Sync.Example:9000', 'http://sync.example:9000'],
    ['10.0.0.5:8787', 'http://10.0.0.5:8787'],
  ])('%s is used as %s', (typed, origin) => {
    expect(normaliseServerUrl(typed)).toBe(origin);
  });

  it.each(['', '   ', 'ftp://files.example', 'file:///etc/passwd', 'https://user:pw@sync.example', 'http://'])(
    '%j is refused',
    (typed) => {
      expect(normaliseServerUrl(typed)).toBeNull();
    },
  );
});

describe('local database per user', () => {
  it('separates users and servers, and reopens the same database for the same user on the same server', () => {
    const a = databaseName('http://sync.example', '6f1c2e4a-0000-4000-8000-000000000001');
    expect(a).toMatch(/^rs_[0-9a-f]{10}_[a-z0-9]+$/);
    expect(databaseName('http://sync.example', '6f1c2e4a-0000-4000-8000-000000000001')).toBe(a);
    expect(databaseName('http://other.example', '6f1c2e4a-0000-4000-8000-000000000001')).not.toBe(a);
    expect(databaseName('http://sync.example', '6f1c2e4a-0000-4000-8000-000000000002')).not.toBe(a);
  });
});
