import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildServerGraph, circles, folderOf, type ImportEdge } from '../helpers/server-graph';

/**
 * The floors of sync-server/src (issue 11 part 3), checked on the real tree. Each unit (a folder, a file
 * directly in src/, or one of the leaf files below) declares the units it may import; an import that is not
 * declared fails, naming the file and line, and the declared table itself must have no circle, so every
 * import runs down. Type-only imports count too, with two kinds of exception written out below.
 */

/** Files read by many floors that import nothing above them: each is its own unit, below its folder. */
const LEAF_FILES = new Set([
  'cli/env', // CliEnv: what an operator command works with; the command modules import it, not cli/index.
  'pricing/rules-file', // the rules file's parser, which config.ts reads at start-up.
]);

/** AppContext, the type every module is handed: any unit may import its type, and it imports only types. */
const TYPE_HUBS = new Set(['context.ts']);

/** Type-only imports that still run back up, each with why it is left (none today); a new one fails like any other. */
const KNOWN_TYPE_ONLY_UPWARD = new Set<string>([]);

/** Unit -> the units it may import. Lower floors only: the table has no circle (checked below). */
const ALLOWED: Record<string, string[]> = {
  'log.ts': [],
  'config.ts': ['pricing/rules-file'],
  'pricing/rules-file': [],
  db: ['config.ts'],
  'cli/env': ['config.ts', 'db'],
  'context.ts': ['config.ts', 'db', 'jobs', 'replication'],
  audio: [],
  'twilio-rest': ['config.ts'],
  http: ['db', 'config.ts'],
  health: ['db', 'http'],
  jobs: ['audit', 'db', 'http'],
  audit: ['db', 'http'],
  auth: ['audit', 'db', 'http'],
  metrics: ['cli/env', 'db', 'http'],
  replication: ['auth', 'db', 'http', 'metrics'],
  pricing: ['audit', 'db', 'http', 'jobs', 'replication', 'pricing/rules-file', 'config.ts'],
  tiers: ['audit', 'cli/env', 'db', 'http', 'jobs', 'pricing', 'pricing/rules-file', 'replication'],
  allocation: ['http', 'pricing', 'tiers'],
  pool: ['config.ts', 'db', 'http', 'twilio-rest'],
  assessors: ['audit', 'config.ts', 'db', 'http', 'pool', 'replication'],
  leads: ['assessors', 'audit', 'cli/env', 'config.ts', 'db', 'http', 'jobs', 'metrics', 'pool', 'replication'],
  recordings: ['audio', 'audit', 'cli/env', 'config.ts', 'db', 'http', 'jobs', 'log.ts', 'replication'],
  retention: ['audit', 'cli/env', 'db', 'http', 'jobs', 'recordings', 'replication'],
  erasure: ['audit', 'cli/env', 'db', 'http', 'jobs', 'leads', 'pool', 'recordings', 'replication', 'retention'],
  privacy: ['audit', 'cli/env', 'db', 'erasure', 'http', 'recordings', 'replication'],
  analysis: [
    'audio',
    'audit',
    'cli/env',
    'config.ts',
    'db',
    'http',
    'jobs',
    'log.ts',
    'metrics',
    'recordings',
    'replication',
  ],
  twilio: [
    'audit',
    'cli/env',
    'db',
    'http',
    'jobs',
    'leads',
    'log.ts',
    'metrics',
    'pool',
    'recordings',
    'replication',
    'twilio-rest',
  ],
  'twilio-sandbox': ['audio', 'cli/env'],
  demo: ['auth', 'config.ts', 'http', 'pricing', 'replication', 'tiers', 'twilio-sandbox'],
  'modules.ts': [
    'allocation',
    'analysis',
    'assessors',
    'auth',
    'demo',
    'erasure',
    'health',
    'http',
    'jobs',
    'leads',
    'metrics',
    'pool',
    'pricing',
    'privacy',
    'recordings',
    'replication',
    'retention',
    'tiers',
    'twilio',
  ],
  'server.ts': ['auth', 'config.ts', 'db', 'http', 'jobs', 'log.ts', 'modules.ts', 'replication'],
  cli: [
    'analysis',
    'auth',
    'cli/env',
    'config.ts',
    'db',
    'demo',
    'erasure',
    'http',
    'leads',
    'log.ts',
    'metrics',
    'privacy',
    'retention',
    'server.ts',
    'tiers',
    'twilio',
    'twilio-sandbox',
  ],
  'main.ts': ['cli', 'config.ts', 'db'],
};

const unitOf = (file: string): string => (LEAF_FILES.has(file) ? file : folderOf(file));

const graph = buildServerGraph(path.resolve(__dirname, '..', '..'));

function describeEdge(e: ImportEdge): string {
  return `sync-server/src/${e.from}.ts:${e.line} imports ${e.to}${e.typeOnly ? ' (type only)' : ''}`;
}

describe('sync-server/src floors', () => {
  it('declares every unit', () => {
    const undeclared = [...new Set(graph.files.map(unitOf))].filter((u) => !(u in ALLOWED)).sort();
    expect(undeclared, 'add these to ALLOWED with the units they may import').toEqual([]);
  });

  it('has only declared imports', () => {
    const offending = graph.edges.filter((e) => {
      const from = unitOf(e.from);
      const to = unitOf(e.to);
      if (from === to) return false;
      if (e.typeOnly && TYPE_HUBS.has(to)) return false;
      if (e.typeOnly && KNOWN_TYPE_ONLY_UPWARD.has(`${e.from} -> ${e.to}`)) return false;
      return !(ALLOWED[from] ?? []).includes(to);
    });
    expect(offending.map(describeEdge)).toEqual([]);
  });

  it('keeps type hubs to types', () => {
    const valueImports = graph.edges.filter((e) => TYPE_HUBS.has(unitOf(e.from)) && !e.typeOnly);
    expect(valueImports.map(describeEdge)).toEqual([]);
  });

  it('declares floors without a circle', () => {
    const units = Object.keys(ALLOWED);
    const edges = units.flatMap((from) => ALLOWED[from].map((to) => ({ from, to })));
    expect(circles(units, edges)).toEqual([]);
  });

  it('has no circle between files that run each other (type-only imports are erased)', () => {
    const running = graph.edges.filter((e) => !e.typeOnly);
    expect(circles(graph.files, running)).toEqual([]);
  });

  it('names the known exceptions exactly (a fixed one is removed from the list)', () => {
    const present = new Set(graph.edges.filter((e) => e.typeOnly).map((e) => `${e.from} -> ${e.to}`));
    expect([...KNOWN_TYPE_ONLY_UPWARD].filter((k) => !present.has(k))).toEqual([]);
  });
});
