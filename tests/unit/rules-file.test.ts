import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../sync-server/src/config';
import { DEFAULT_RULES, loadRulesFile } from '../../sync-server/src/pricing/rules-file';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringside-rules-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = (content: unknown) => {
  const f = path.join(dir, `rules-${n++}.json`);
  fs.writeFileSync(f, typeof content === 'string' ? content : JSON.stringify(content));
  return f;
};

describe('RULES_FILE (pricing and tier rules overriding the SPECs’ defaults)', () => {
  it('without a file the server uses the SPECs’ defaults', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).rules).toBe(DEFAULT_RULES);
  });

  it('a file overrides the fields it gives and keeps every other default', () => {
    const rules = loadRulesFile(
      file({
        pricing: { minLeads: 50, basePricePence: { solar: 2000 } },
        tierPrices: { tierPricePence: { platinum: 3500 } },
        tiers: { minAssignments: 20 },
      }),
    );
    if (Array.isArray(rules)) throw new Error(rules.join('; '));
    expect(rules.pricing).toMatchObject({ minLeads: 50, windowDays: 90, anchors: DEFAULT_RULES.pricing.anchors });
    expect(rules.pricing.basePricePence).toMatchObject({ solar: 2000, boiler: 1500 });
    expect(rules.tierPrices.tierPricePence).toEqual({ platinum: 3500, gold: 2000, silver: 1200, bronze: 800 });
    expect(rules.tiers).toMatchObject({ minAssignments: 20, windowDays: 30, rows: DEFAULT_RULES.tiers.rows });
  });

  it.each([
    ['not JSON', /cannot read/],
    [{ pricing: { minLeads: 0 } }, /pricing\.minLeads/],
    [{ pricing: { surprise: 1 } }, /pricing/],
    [{ tiers: { rows: [{ tier: 'diamond', when: 'all', meaning: 'x', conditions: [] }] } }, /tiers\.rows\.0\.tier/],
    [
      {
        pricing: {
          anchors: [
            { label: 'a', callRate: 0.5, conversionRate: 0.5, pricePence: 2000 },
            { label: 'b', callRate: 0.9, conversionRate: 0.9, pricePence: 1000 },
          ],
        },
      },
      /must not have a lower price/,
    ],
    [{ pricing: { floorPence: 6000 } }, /floorPence is above ceilingPence/],
  ])('a malformed file %j stops the server with a message naming the field', (content, message) => {
    const f = file(content);
    expect(() => loadConfig({ NODE_ENV: 'test', RULES_FILE: f })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: 'test', RULES_FILE: f })).toThrow(message);
  });
});
