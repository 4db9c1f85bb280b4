import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CallAnalysis } from '../../shared/analysis';
import { runCli } from '../helpers/cli';

/** The operators' analysis commands, run as a person would: `npm run cli -- analyse …` through tsx. */
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringside-analysis-cli-'));
const env = {
  ...process.env,
  DATA_DIR: dataDir,
  LOG_LEVEL: 'silent',
  DATABASE_URL: '',
  ANALYSIS_PROVIDER: '',
  OPENAI_API_KEY: '',
};

const cli = (...args: string[]) => runCli(args, env);

afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describe('analysis CLI', { timeout: 300_000 }, () => {
  it('analyse prints the offline analysis of a transcript file as JSON', async () => {
    const res = await cli('analyse', 'tests/fixtures/transcripts/07-boiler-booked-trust-handled.json');
    expect(res.code, res.stderr).toBe(0);
    const analysis = CallAnalysis.parse(JSON.parse(res.stdout));
    expect(analysis.stamp.provider).toBe('local');
    expect(analysis.outcome.value).toBe('booked');
    expect(analysis.objections.map((o) => o.category)).toContain('trust');
  });

  it('analyse names the problem in a malformed transcript and exits non-zero', async () => {
    const bad = path.join(dataDir, 'bad.json');
    fs.writeFileSync(bad, JSON.stringify({ segments: [{ speaker: 'caller', start: 0, end: 1, text: 'hi' }] }));
    const res = await cli('analyse', bad);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/segments\.0\.speaker/);
    expect(res.stdout).toBe('');
  });

  it('analysis rerun --dry-run counts the chosen calls without queueing, and agreement reports nothing yet', async () => {
    const rerun = await cli('analysis', 'rerun', '--district', 'W1', '--since', '2026-01-01', '--dry-run', '--json');
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(JSON.parse(rerun.stdout)).toMatchObject({ matched: 0, enqueued: 0, dryRun: true });
    const bad = await cli('analysis', 'rerun', '--since', 'last tuesday');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--since');
    const agreement = await cli('analysis', 'agreement');
    expect(agreement.code, agreement.stderr).toBe(0);
    expect(agreement.stdout).toContain('no submitted reviews with an AI insight yet');
  });
});
