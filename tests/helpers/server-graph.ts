import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/**
 * The import graph of sync-server/src, by file and by folder (a file directly in src/ is its own node, named
 * by its file name). Used by tests/unit/server-layering.test.ts and runnable on its own for the figures:
 * `npx tsx tests/helpers/server-graph.ts`. Every import counts, type-only ones too: a type import is still a
 * place one folder has to know another.
 */

export interface ImportEdge {
  from: string;
  to: string;
  line: number;
  /** `import type` (or every named binding type-only): erased at compile time. */
  typeOnly: boolean;
}

export interface ServerGraph {
  files: string[];
  /** File-to-file imports, paths relative to sync-server/src, without extension. */
  edges: ImportEdge[];
}

const EXTENSIONS = ['.ts', '.tsx', '.mts', '.js', '.mjs'];

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return listFiles(full);
    return /\.(ts|tsx|mts)$/.test(name) && !name.endsWith('.d.ts') ? [full] : [];
  });
}

function resolve(fromFile: string, specifier: string, known: Set<string>): string | null {
  if (!specifier.startsWith('.')) return null;
  const base = path.resolve(path.dirname(fromFile), specifier);
  const candidates = [base, ...EXTENSIONS.map((e) => base + e), ...EXTENSIONS.map((e) => path.join(base, 'index' + e))];
  return candidates.find((c) => known.has(c)) ?? null;
}

export function buildServerGraph(root: string): ServerGraph {
  const src = path.join(root, 'sync-server', 'src');
  const absolute = listFiles(src);
  const known = new Set(absolute);
  const rel = (file: string): string => path.relative(src, file).replace(/\.(ts|tsx|mts|js|mjs)$/, '');
  const edges: ImportEdge[] = [];
  for (const file of absolute) {
    const text = readFileSync(file, 'utf8');
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false);
    for (const statement of source.statements) {
      let specifier: string | null = null;
      let typeOnly = false;
      if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
        specifier = statement.moduleSpecifier.text;
        const clause = statement.importClause;
        const bindings = clause?.namedBindings;
        typeOnly =
          !!clause?.isTypeOnly ||
          (!!clause &&
            !clause.name &&
            !!bindings &&
            ts.isNamedImports(bindings) &&
            bindings.elements.length > 0 &&
            bindings.elements.every((element) => element.isTypeOnly));
      } else if (
        ts.isExportDeclaration(statement) &&
        statement.moduleSpecifier &&
        ts.isStringLiteral(statement.moduleSpecifier)
      ) {
        specifier = statement.moduleSpecifier.text;
        typeOnly = statement.isTypeOnly;
      }
      if (specifier === null) continue;
      const target = resolve(file, specifier, known);
      if (!target) continue;
      const line = source.getLineAndCharacterOfPosition(statement.getStart(source)).line + 1;
      edges.push({ from: rel(file), to: rel(target), line, typeOnly });
    }
  }
  return { files: absolute.map(rel), edges };
}

/** The folder a server file belongs to: its first path segment, or the file itself when it sits in src/. */
export function folderOf(file: string): string {
  const parts = file.split('/');
  return parts.length > 1 ? parts[0] : `${parts[0]}.ts`;
}

/** Strongly connected components with more than one member (Tarjan), i.e. the circles. */
export function circles(nodes: string[], edges: Array<{ from: string; to: string }>): string[][] {
  const next = new Map<string, Set<string>>(nodes.map((n) => [n, new Set<string>()]));
  for (const e of edges) if (e.from !== e.to) next.get(e.from)?.add(e.to);
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const n of nodes) if (!index.has(n)) visit(n);
  return found;
}

export interface GraphFigures {
  folders: number;
  files: number;
  fileCircles: string[][];
  folderCircles: string[][];
  /** Folder-to-folder imports (distinct pairs) whose both ends sit in one folder circle: the ones running back up. */
  importsInFolderCircles: Array<{ from: string; to: string; files: string[] }>;
  /** Floors of the folder graph once each circle is taken as one node (1 = imports nothing in src/). */
  floors: number;
}

export function figures(whole: ServerGraph, opts: { valuesOnly?: boolean } = {}): GraphFigures {
  const graph = opts.valuesOnly ? { ...whole, edges: whole.edges.filter((e) => !e.typeOnly) } : whole;
  const folders = [...new Set(graph.files.map(folderOf))].sort();
  const folderEdges = new Map<string, { from: string; to: string; files: string[] }>();
  for (const e of graph.edges) {
    const from = folderOf(e.from);
    const to = folderOf(e.to);
    if (from === to) continue;
    const key = `${from}>${to}`;
    const entry = folderEdges.get(key) ?? { from, to, files: [] };
    entry.files.push(`${e.from}:${e.line} -> ${e.to}`);
    folderEdges.set(key, entry);
  }
  const folderCircles = circles(folders, [...folderEdges.values()]);
  const circleOf = new Map<string, number>();
  folderCircles.forEach((c, i) => c.forEach((f) => circleOf.set(f, i)));
  const importsInFolderCircles = [...folderEdges.values()].filter(
    (e) => circleOf.has(e.from) && circleOf.get(e.from) === circleOf.get(e.to),
  );
  // Floors over the condensed graph.
  const node = (f: string): string => (circleOf.has(f) ? `circle${circleOf.get(f)}` : f);
  const out = new Map<string, Set<string>>();
  for (const e of folderEdges.values()) {
    const a = node(e.from);
    const b = node(e.to);
    if (a === b) continue;
    if (!out.has(a)) out.set(a, new Set());
    out.get(a)!.add(b);
  }
  const memo = new Map<string, number>();
  const floor = (n: string): number => {
    const known = memo.get(n);
    if (known !== undefined) return known;
    const value = 1 + Math.max(0, ...[...(out.get(n) ?? [])].map(floor));
    memo.set(n, value);
    return value;
  };
  const floors = Math.max(...folders.map((f) => floor(node(f))));
  return {
    folders: folders.length,
    files: graph.files.length,
    fileCircles: circles(graph.files, graph.edges),
    folderCircles,
    importsInFolderCircles,
    floors,
  };
}

if (process.argv[1] && path.resolve(process.argv[1]).endsWith(path.join('tests', 'helpers', 'server-graph.ts'))) {
  const valuesOnly = process.argv.includes('--values');
  const f = figures(buildServerGraph(process.cwd()), { valuesOnly });
  console.log(valuesOnly ? 'value imports only' : 'all imports, type-only included');
  console.log(`folders: ${f.folders}, files: ${f.files}, floors: ${f.floors}`);
  console.log(`file circles: ${f.fileCircles.length}`);
  for (const c of f.fileCircles) console.log(`  (${c.length}) ${c.join(' ')}`);
  console.log(`folder circles: ${f.folderCircles.length}`);
  for (const c of f.folderCircles) console.log(`  (${c.length}) ${c.join(' ')}`);
  console.log(`folder imports inside circles: ${f.importsInFolderCircles.length}`);
  for (const e of f.importsInFolderCircles) console.log(`  ${e.from} -> ${e.to}  (${e.files.length} imports)`);
}
