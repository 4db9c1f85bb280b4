import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import path from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The dependency direction of ARCHITECTURE.md, checked on the real tree so `npm test` fails when it breaks
 * (eslint.config.js enforces the same in `npm run lint`). Imports are read from the syntax tree, and global
 * identifiers are resolved with the TypeScript checker: a global whose every declaration comes from
 * lib.dom is a DOM API, one whose every declaration comes from @types/node is a Node API. Globals that
 * exist in both (console, URL, fetch, setTimeout, TextEncoder …) are allowed everywhere.
 */

type Layer = 'shared' | 'renderer' | 'electron' | 'sync-server';

interface Violation {
  file: string;
  line: number;
  problem: string;
}

const LAYER_ROOTS: Record<Layer, string> = {
  shared: 'shared',
  renderer: 'renderer',
  electron: 'electron',
  'sync-server': 'sync-server',
};

const NODE_BUILTINS = new Set(builtinModules.filter((name) => !name.startsWith('_')));

function isNodeBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:') || NODE_BUILTINS.has(specifier) || NODE_BUILTINS.has(specifier.split('/')[0]);
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function layerOf(root: string, file: string): Layer | null {
  const first = path.relative(root, file).split(path.sep)[0];
  return (Object.keys(LAYER_ROOTS) as Layer[]).find((layer) => LAYER_ROOTS[layer] === first) ?? null;
}

interface ImportRef {
  specifier: string;
  typeOnly: boolean;
  node: ts.Node;
}

/** Every module a file refers to: import/export-from (type-only or not), import(), require(), import types. */
function importsOf(source: ts.SourceFile): ImportRef[] {
  const refs: ImportRef[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const allSpecifiersTypeOnly =
        !!clause &&
        !clause.name &&
        !!clause.namedBindings &&
        ts.isNamedImports(clause.namedBindings) &&
        clause.namedBindings.elements.length > 0 &&
        clause.namedBindings.elements.every((element) => element.isTypeOnly);
      refs.push({
        specifier: node.moduleSpecifier.text,
        typeOnly: !!clause?.isTypeOnly || allSpecifiersTypeOnly,
        node,
      });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      refs.push({ specifier: node.moduleSpecifier.text, typeOnly: node.isTypeOnly, node });
    } else if (
      ts.isImportEqualsDeclaration(node) &&
      ts.isExternalModuleReference(node.moduleReference) &&
      ts.isStringLiteral(node.moduleReference.expression)
    ) {
      refs.push({ specifier: node.moduleReference.expression.text, typeOnly: node.isTypeOnly, node });
    } else if (
      ts.isCallExpression(node) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword ||
        (ts.isIdentifier(node.expression) && node.expression.text === 'require')) &&
      node.arguments.length > 0 &&
      ts.isStringLiteralLike(node.arguments[0])
    ) {
      refs.push({ specifier: node.arguments[0].text, typeOnly: false, node });
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      refs.push({ specifier: node.argument.literal.text, typeOnly: true, node });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return refs;
}

/** Folders of renderer/src a feature may import from (besides its own folder and other features' index.ts). */
const FEATURE_MAY_IMPORT = new Set(['app', 'db', 'ui', 'api', 'state', 'platform', 'styles']);

/**
 * Inside renderer/src: a feature (features/<name>/…) imports app/, db/, ui/, api/, state/, platform/, styles/
 * and shared/, and another feature only through that feature's one public entry, features/<other>/index.ts;
 * the ui/ kit is generic and imports only itself and shared/. `fromRel` and `targetRel` are repository paths.
 */
function rendererAreaProblem(fromRel: string, targetRel: string | null, specifier: string): string | null {
  if (!targetRel?.startsWith('renderer/src/') || !fromRel.startsWith('renderer/src/')) return null;
  const [fromArea, fromFeature] = fromRel.split('/').slice(2);
  const target = targetRel.split('/').slice(2);
  const [targetArea, targetFeature] = target;
  if (fromArea === 'ui') {
    return targetArea === 'ui'
      ? null
      : `the ui/ kit imports ${targetArea}/ (${specifier}); it may use only ui/ and shared/`;
  }
  if (fromArea !== 'features') return null;
  if (targetArea === 'features') {
    if (targetFeature === fromFeature) return null;
    const rest = target
      .slice(2)
      .join('/')
      .replace(/\.(ts|tsx)$/, '');
    if (rest === '' || rest === 'index') return null;
    return `imports the internals of features/${targetFeature} (${specifier}); use features/${targetFeature}/index.ts`;
  }
  if (FEATURE_MAY_IMPORT.has(targetArea)) return null;
  return `imports renderer/src/${target.join('/')} (${specifier}); features use app/, db/, ui/, api/, state/, platform/, styles/ and shared/ only`;
}

/** The rule for one import, or null when it is allowed. */
function importProblem(root: string, fromFile: string, fromLayer: Layer, ref: ImportRef): string | null {
  const { specifier, typeOnly } = ref;
  const relative = specifier.startsWith('.');
  const target = relative ? path.resolve(path.dirname(fromFile), specifier) : null;
  const targetLayer = target ? layerOf(root, target) : null;
  const targetRel = target ? path.relative(root, target).split(path.sep).join('/') : null;
  const inPreload = path.relative(root, fromFile).split(path.sep).slice(0, 2).join('/') === 'electron/preload';

  switch (fromLayer) {
    case 'shared':
      if (!relative && isNodeBuiltin(specifier)) return `imports the Node built-in "${specifier}"`;
      if (!relative && ['electron', 'react', 'react-dom'].includes(packageName(specifier)))
        return `imports "${specifier}"`;
      if (targetLayer && targetLayer !== 'shared') return `imports ${targetLayer}/ code (${specifier})`;
      return null;
    case 'renderer':
      if (!relative && isNodeBuiltin(specifier)) return `imports the Node built-in "${specifier}"`;
      if (!relative && packageName(specifier) === 'electron') return `imports "${specifier}"`;
      if (targetLayer === 'sync-server') return `imports sync-server/ code (${specifier})`;
      if (targetLayer === 'electron') {
        if (targetRel?.replace(/\.ts$/, '') === 'electron/preload/api' && typeOnly) return null;
        return `imports electron/ code (${specifier}); only \`import type\` from electron/preload/api is allowed`;
      }
      return rendererAreaProblem(path.relative(root, fromFile).split(path.sep).join('/'), targetRel, specifier);
    case 'electron':
      if (inPreload && !relative && specifier !== 'electron') return `the sandboxed preload imports "${specifier}"`;
      if (inPreload && targetLayer !== null && targetLayer !== 'electron')
        return `the sandboxed preload imports ${specifier}`;
      if (targetLayer === 'renderer' || targetLayer === 'sync-server')
        return `imports ${targetLayer}/ code (${specifier})`;
      return null;
    case 'sync-server':
      if (targetLayer === 'renderer' || targetLayer === 'electron')
        return `imports ${targetLayer}/ code (${specifier})`;
      return null;
  }
}

/**
 * Whether a declaration is a global one: at the top of a script (not a module) file, or inside
 * `declare global { … }`. Members of namespaces (Electron.App) and module exports are not globals.
 */
function isGlobalDeclaration(declaration: ts.Declaration): boolean {
  let container: ts.Node = declaration.parent;
  while (ts.isVariableDeclarationList(container) || ts.isVariableStatement(container)) container = container.parent;
  if (ts.isSourceFile(container)) return !ts.isExternalModule(container);
  if (ts.isModuleBlock(container)) {
    const owner = container.parent;
    return ts.isIdentifier(owner.name) && owner.name.text === 'global';
  }
  return false;
}

function globalDeclarationFiles(symbol: ts.Symbol): string[] | null {
  const declarations = symbol.getDeclarations() ?? [];
  if (declarations.length === 0 || !declarations.every(isGlobalDeclaration)) return null;
  return declarations.map((d) => d.getSourceFile().fileName);
}

const isDomLib = (fileName: string) => /[/\\]typescript[/\\]lib[/\\]lib\.dom(\.[a-z]+)*\.d\.ts$/i.test(fileName);
/** @types/react declares empty DOM interfaces (HTMLElement, Event …) so its types compile without lib.dom. */
const isDomStub = (fileName: string) => /[/\\]@types[/\\]react[/\\]global\.d\.ts$/.test(fileName);
/** @types/node, and electron.d.ts, which augments Node's `NodeJS` namespace and `process`. */
const isNodeTypes = (fileName: string) =>
  /[/\\]@types[/\\]node[/\\]|[/\\]node_modules[/\\]electron[/\\]electron\.d\.ts$/.test(fileName);

function isDomOnlyGlobal(symbol: ts.Symbol): boolean {
  const files = globalDeclarationFiles(symbol);
  return !!files && files.some(isDomLib) && files.every((f) => isDomLib(f) || isDomStub(f));
}

function isNodeOnlyGlobal(symbol: ts.Symbol): boolean {
  const files = globalDeclarationFiles(symbol);
  return !!files && files.every(isNodeTypes);
}

/** Identifiers that name something by themselves (not a property, not a declaration's own name). */
function isFreeIdentifier(node: ts.Identifier): boolean {
  const parent = node.parent;
  if (ts.isPropertyAccessExpression(parent) && parent.name === node) return false;
  if (ts.isQualifiedName(parent) && parent.right === node) return false;
  if (
    (ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent) || ts.isPropertySignature(parent)) &&
    parent.name === node
  )
    return false;
  if ((ts.isMethodDeclaration(parent) || ts.isMethodSignature(parent)) && parent.name === node) return false;
  if (ts.isBindingElement(parent) && parent.propertyName === node) return false;
  if ((ts.isImportSpecifier(parent) || ts.isExportSpecifier(parent)) && parent.propertyName === node) return false;
  if (ts.isJsxAttribute(parent) || ts.isEnumMember(parent)) return false;
  return true;
}

async function sourceFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') out.push(...(await sourceFiles(full)));
    } else if (/\.(ts|tsx|mts|cts)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) {
      out.push(full);
    }
  }
  return out;
}

/** Checks every TypeScript file of the four layers under `root`. */
export async function findLayeringViolations(root: string): Promise<Violation[]> {
  const files = (await Promise.all(Object.values(LAYER_ROOTS).map((dir) => sourceFiles(path.join(root, dir))))).flat();
  const violations: Violation[] = [];
  const report = (source: ts.SourceFile, node: ts.Node, problem: string) => {
    const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
    violations.push({ file: path.relative(root, source.fileName).split(path.sep).join('/'), line: line + 1, problem });
  };

  // Imports: syntax only, every layer.
  for (const file of files) {
    const layer = layerOf(root, file)!;
    const text = ts.sys.readFile(file) ?? '';
    const source = ts.createSourceFile(
      file,
      text,
      ts.ScriptTarget.Latest,
      true,
      file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS,
    );
    for (const ref of importsOf(source)) {
      const problem = importProblem(root, file, layer, ref);
      if (problem) report(source, ref.node, problem);
    }
  }

  // Globals: with the checker, for the two layers that must run outside Node.
  const checked = files.filter((file) => ['shared', 'renderer'].includes(layerOf(root, file)!));
  const program = ts.createProgram(checked, {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2023.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
    types: ['node'],
    typeRoots: [path.resolve('node_modules/@types')],
    jsx: ts.JsxEmit.ReactJSX,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    allowImportingTsExtensions: true,
    resolveJsonModule: true,
  });
  const checker = program.getTypeChecker();
  for (const file of checked) {
    const source = program.getSourceFile(file);
    if (!source) continue;
    const layer = layerOf(root, file)!;
    const visit = (node: ts.Node): void => {
      if (ts.isIdentifier(node) && isFreeIdentifier(node)) {
        const symbol = checker.getSymbolAtLocation(node);
        if (symbol && !(symbol.flags & ts.SymbolFlags.Alias)) {
          if (isNodeOnlyGlobal(symbol)) report(source, node, `uses the Node global "${node.text}"`);
          else if (layer === 'shared' && isDomOnlyGlobal(symbol))
            report(source, node, `uses the DOM global "${node.text}"`);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return violations;
}

describe('layering', () => {
  const fixture = path.resolve('.tmp', `layering-fixture-${process.pid}`);
  let fixtureViolations: Violation[];

  beforeAll(async () => {
    const files: Record<string, string> = {
      'shared/ok.ts':
        "import type { X } from './types';\nexport const ok = (x: X) => JSON.stringify({ x, at: new URL('https://a.example'), t: setTimeout, c: console, e: new TextEncoder() });\n",
      'shared/types.ts': 'export type X = number;\n',
      'shared/node-import.ts': "import { readFileSync } from 'node:fs';\nexport const a = readFileSync;\n",
      'shared/bare-builtin.ts': "import path from 'path';\nexport const a = path;\n",
      'shared/dom.ts': 'export const title = () => document.title;\n',
      'shared/dom-type.ts': 'export type Root = HTMLElement;\n',
      'shared/node-global.ts': 'export const env = () => process.env.HOME;\nexport type E = NodeJS.ErrnoException;\n',
      'shared/react.ts': "import { useState } from 'react';\nexport const a = useState;\n",
      'shared/electron.ts': "export type App = import('electron').App;\n",
      'shared/up.ts': "export { startServer } from '../sync-server/src/server';\n",
      'renderer/src/ok.tsx':
        "import type { RingsideDesktopApi } from '../../electron/preload/api';\nexport const A = (api: RingsideDesktopApi) => <p>{document.title}{String(api)}</p>;\n",
      'renderer/src/value-from-preload.ts':
        "import { IPC_CHANNELS } from '../../electron/preload/api';\nexport const a = IPC_CHANNELS;\n",
      'renderer/src/electron.ts': "const { ipcRenderer } = require('electron');\nexport const a = ipcRenderer;\n",
      'renderer/src/fs.ts': "export const load = () => import('fs/promises');\n",
      'renderer/src/buffer.ts': "export const b = () => Buffer.from('x');\n",
      'renderer/src/server.ts':
        "import type { Config } from '../../sync-server/src/config';\nexport type C = Config;\n",
      'electron/preload/api.ts': 'export const IPC_CHANNELS = {};\nexport interface RingsideDesktopApi { x: number }\n',
      'electron/preload/index.ts':
        "import { contextBridge } from 'electron';\nimport { z } from 'zod';\nimport { IPC_CHANNELS } from './api';\nexport const a = [contextBridge, z, IPC_CHANNELS];\n",
      'electron/main/index.ts':
        "import path from 'node:path';\nimport { A } from '../../renderer/src/ok';\nexport const a = [path, A];\n",
      'sync-server/src/server.ts':
        "import type { RingsideDesktopApi } from '../../electron/preload/api';\nexport type R = RingsideDesktopApi;\nexport const startServer = 1;\n",
      'sync-server/src/config.ts': 'export type Config = { port: number };\n',
    };
    for (const [name, text] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(fixture, name)), { recursive: true });
      await writeFile(path.join(fixture, name), text);
    }
    fixtureViolations = await findLayeringViolations(fixture);
  });

  afterAll(async () => {
    await rm(fixture, { recursive: true, force: true });
  });

  const problemsIn = (file: string) => fixtureViolations.filter((v) => v.file === file).map((v) => v.problem);

  it('allows pure shared code and universal globals', () => {
    expect(problemsIn('shared/ok.ts')).toEqual([]);
    expect(problemsIn('shared/types.ts')).toEqual([]);
  });

  it('fails shared code that imports Node built-ins, React, Electron or another layer', () => {
    expect(problemsIn('shared/node-import.ts')).toEqual(['imports the Node built-in "node:fs"']);
    expect(problemsIn('shared/bare-builtin.ts')).toEqual(['imports the Node built-in "path"']);
    expect(problemsIn('shared/react.ts')).toEqual(['imports "react"']);
    expect(problemsIn('shared/electron.ts')).toEqual(['imports "electron"']);
    expect(problemsIn('shared/up.ts')).toEqual(['imports sync-server/ code (../sync-server/src/server)']);
  });

  it('fails shared code that uses DOM or Node globals, in values and in types', () => {
    expect(problemsIn('shared/dom.ts')).toEqual(['uses the DOM global "document"']);
    expect(problemsIn('shared/dom-type.ts')).toEqual(['uses the DOM global "HTMLElement"']);
    expect(problemsIn('shared/node-global.ts')).toEqual([
      'uses the Node global "process"',
      'uses the Node global "NodeJS"',
    ]);
  });

  it('allows the renderer the DOM and `import type` of the desktop API, and nothing of Node or Electron', () => {
    expect(problemsIn('renderer/src/ok.tsx')).toEqual([]);
    expect(problemsIn('renderer/src/value-from-preload.ts')).toEqual([
      'imports electron/ code (../../electron/preload/api); only `import type` from electron/preload/api is allowed',
    ]);
    expect(problemsIn('renderer/src/electron.ts')).toEqual(['imports "electron"', 'uses the Node global "require"']);
    expect(problemsIn('renderer/src/fs.ts')).toEqual(['imports the Node built-in "fs/promises"']);
    expect(problemsIn('renderer/src/buffer.ts')).toEqual(['uses the Node global "Buffer"']);
    expect(problemsIn('renderer/src/server.ts')).toEqual(['imports sync-server/ code (../../sync-server/src/config)']);
  });

  it('keeps the preload to electron and its own files, and the shells out of each other', () => {
    expect(problemsIn('electron/preload/index.ts')).toEqual(['the sandboxed preload imports "zod"']);
    expect(problemsIn('electron/main/index.ts')).toEqual(['imports renderer/ code (../../renderer/src/ok)']);
    expect(problemsIn('sync-server/src/server.ts')).toEqual(['imports electron/ code (../../electron/preload/api)']);
  });

  it('holds on the real tree', async () => {
    const violations = await findLayeringViolations(path.resolve('.'));
    expect(violations.map((v) => `${v.file}:${v.line} ${v.problem}`)).toEqual([]);
  });
});

describe('renderer feature boundaries', () => {
  const fixture = path.resolve('.tmp', `layering-features-fixture-${process.pid}`);
  let violations: Violation[];

  beforeAll(async () => {
    const files: Record<string, string> = {
      'renderer/src/ui/Field.tsx':
        "import { SERVICE_LABELS } from './labels';\nimport type { Service } from '../../../shared/schemas';\nexport const f = (s: Service) => SERVICE_LABELS[s];\n",
      'renderer/src/ui/labels.ts': "export const SERVICE_LABELS = { boiler: 'Boiler' };\n",
      'renderer/src/ui/reaches-up.ts': "import { useDb } from '../db/hooks';\nexport const a = useDb;\n",
      'renderer/src/db/hooks.ts': 'export const useDb = 1;\n',
      'renderer/src/app/format.ts': 'export const fmt = 1;\n',
      'renderer/src/state/session.ts': 'export const session = 1;\n',
      'renderer/src/styles/base.css': '',
      'renderer/src/main.tsx': 'export const main = 1;\n',
      'shared/schemas.ts': "export type Service = 'boiler';\n",
      'renderer/src/features/review/index.ts': "export { useStaff } from './staff';\n",
      'renderer/src/features/review/staff.ts':
        "import { fmt } from '../../app/format';\nexport const useStaff = fmt;\n",
      'renderer/src/features/review/workspace/Workspace.tsx':
        "import { useStaff } from '../staff';\nimport { Field } from '../../../ui/Field';\nimport { useDb } from '../../../db/hooks';\nimport { session } from '../../../state/session';\nimport '../../../styles/base.css';\nimport { Panel } from '../../insights';\nexport const a = [useStaff, Field, useDb, session, Panel];\n",
      'renderer/src/features/insights/index.ts': "export { Panel } from './Panel';\n",
      'renderer/src/features/insights/Panel.tsx': 'export const Panel = 1;\n',
      'renderer/src/features/scorecards/Calibration.tsx':
        "import { useStaff } from '../review/staff';\nimport type { Panel } from '../insights/Panel';\nimport '../review/review.css';\nimport { useStaff as viaIndex } from '../review/index';\nexport const a = [useStaff, viaIndex];\nexport type P = typeof Panel;\n",
      'renderer/src/features/scorecards/lazy.ts': "export const load = () => import('../insights/Panel');\n",
      'renderer/src/features/scorecards/boot.ts': "import { main } from '../../main';\nexport const a = main;\n",
    };
    for (const [name, text] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(fixture, name)), { recursive: true });
      await writeFile(path.join(fixture, name), text);
    }
    violations = await findLayeringViolations(fixture);
  });

  afterAll(async () => {
    await rm(fixture, { recursive: true, force: true });
  });

  const problemsIn = (file: string) => violations.filter((v) => v.file === file).map((v) => v.problem);

  it('lets a feature use its own files, app/, db/, ui/, state/, styles/ and another feature through its index.ts', () => {
    expect(problemsIn('renderer/src/features/review/workspace/Workspace.tsx')).toEqual([]);
    expect(problemsIn('renderer/src/features/review/staff.ts')).toEqual([]);
    expect(problemsIn('renderer/src/features/review/index.ts')).toEqual([]);
  });

  it("fails a feature that reaches into another feature's files, even for a type, a stylesheet or a lazy import", () => {
    expect(problemsIn('renderer/src/features/scorecards/Calibration.tsx')).toEqual([
      'imports the internals of features/review (../review/staff); use features/review/index.ts',
      'imports the internals of features/insights (../insights/Panel); use features/insights/index.ts',
      'imports the internals of features/review (../review/review.css); use features/review/index.ts',
    ]);
    expect(problemsIn('renderer/src/features/scorecards/lazy.ts')).toEqual([
      'imports the internals of features/insights (../insights/Panel); use features/insights/index.ts',
    ]);
  });

  it('fails a feature that imports renderer code outside the allowed folders, naming the file', () => {
    expect(violations.filter((v) => v.file === 'renderer/src/features/scorecards/boot.ts')).toEqual([
      {
        file: 'renderer/src/features/scorecards/boot.ts',
        line: 1,
        problem:
          'imports renderer/src/main (../../main); features use app/, db/, ui/, api/, state/, platform/, styles/ and shared/ only',
      },
    ]);
  });

  it('keeps the ui/ kit generic: only ui/ and shared/', () => {
    expect(problemsIn('renderer/src/ui/Field.tsx')).toEqual([]);
    expect(problemsIn('renderer/src/ui/reaches-up.ts')).toEqual([
      'the ui/ kit imports db/ (../db/hooks); it may use only ui/ and shared/',
    ]);
  });
});
