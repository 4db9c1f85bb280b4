import { describe, expect, it } from 'vitest';
import { ROLES } from '../../shared/roles';
import { pullRule, pushRule } from '../../shared/sync-policy';
import { workingSet } from '../../renderer/src/db/working-set';

describe('what each role keeps on its device', () => {
  it.each(ROLES)('%s replicates only what its policy lets it pull, and pushes only where it may write', (role) => {
    for (const plan of workingSet(role)) {
      expect(pullRule(plan.collection, role), plan.collection).not.toBeNull();
      expect(plan.push, plan.collection).toBe(pushRule(plan.collection, role) !== null);
    }
  });

  it('bounds the growing history for every role with a scope', () => {
    const scope = (role: (typeof ROLES)[number], c: string) => workingSet(role).find((p) => p.collection === c)?.scope;
    expect(scope('reviewer', 'calls')).toBe('queue');
    expect(scope('reviewer', 'reviews')).toBe('mine');
    expect(scope('admin', 'calls')).toMatch(/^recent:\d+$/);
    expect(scope('author', 'calls')).toMatch(/^recent:\d+$/);
  });

  it.each(ROLES)('%s replicates its first screen’s collections first', (role) => {
    const first = workingSet(role).filter((p) => p.first);
    expect(first.length).toBeGreaterThan(0);
    expect(first.length).toBeLessThan(workingSet(role).length);
  });

  it('gives a reviewer no tier changes or area prices', () => {
    const names = workingSet('reviewer').map((p) => p.collection);
    expect(names).not.toContain('tierChanges');
    expect(names).not.toContain('areas');
  });
});
