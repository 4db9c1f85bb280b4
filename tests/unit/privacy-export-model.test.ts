import { describe, expect, it } from 'vitest';
import { exportBody, exportProblem, SUBJECT_KINDS } from '../../renderer/src/features/privacy/privacy-model';

/** The Privacy screen's subject access form (issue 16.4): one way of naming the person, problems in words. */
describe('subject access export form', () => {
  it('sends exactly the one field the admin chose, trimmed', () => {
    expect(exportBody('phone', ' 07700 900123 ')).toEqual({ phone: '07700 900123' });
    expect(exportBody('assessorId', 'as-1')).toEqual({ assessorId: 'as-1' });
    expect(exportBody('assessorPhone', '+447700900456')).toEqual({ assessorPhone: '+447700900456' });
    expect(exportBody('leadId', 'lead-9')).toEqual({ leadId: 'lead-9' });
  });

  it('offers every way the server accepts', () => {
    expect(SUBJECT_KINDS.map((k) => k.kind).sort()).toEqual(['assessorId', 'assessorPhone', 'leadId', 'phone']);
  });

  it('says who was not found, and falls back to the server’s words otherwise', () => {
    expect(exportProblem('UNKNOWN_PHONE', 'x')).toMatch(/No one with that number/);
    expect(exportProblem('UNKNOWN_ASSESSOR', 'x')).toMatch(/No assessor/);
    expect(exportProblem('UNKNOWN_LEAD', 'x')).toMatch(/No lead/);
    expect(exportProblem('INVALID_PHONE', 'x')).toMatch(/not a phone number/);
    expect(exportProblem('UNAVAILABLE', 'x')).toMatch(/try again/);
    expect(exportProblem(null, 'the server is down')).toBe('the server is down');
  });
});
