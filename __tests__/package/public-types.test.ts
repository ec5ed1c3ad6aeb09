/**
 * Every type a user meets in the public signatures can be named: a hook's `operations`, an
 * event's payload, a store's query. Walks the shipped .d.ts files from each entry point and
 * lists the types they reach that no entry point exports.
 */
import path from "node:path";
import ts from "typescript";
import { root } from "./pack";

const dist = path.join(root, "dist", "cjs");
const ENTRIES = [
  "index.d.ts",
  "testing/index.d.ts",
  "store-helpers.d.ts",
  "stores/postgres/index.d.ts",
  "stores/sqlite/index.d.ts",
];
// The halves of `ScimOptions` (its common part and the token-or-auth union): name ScimOptions.
const BUILDING_BLOCKS = new Set(["CommonOptions", "SetupOptions"]);

test("the types reachable from the public API are exported", () => {
  const entries = ENTRIES.map((e) => path.join(dist, e));
  const program = ts.createProgram(entries, { strict: true, types: [], skipLibCheck: true, noEmit: true });
  const checker = program.getTypeChecker();
  const target = (s: ts.Symbol) => (s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s);
  const ours = (s: ts.Symbol) => (s.declarations ?? []).some((d) => d.getSourceFile().fileName.startsWith(dist));
  const exported = new Set(
    entries.flatMap((entry) =>
      checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(entry)!)!).map(target),
    ),
  );

  const missing = new Map<string, string>();
  const seen = new Set<ts.Symbol>();
  const visitSymbol = (symbol: ts.Symbol, via: string) => {
    if (seen.has(symbol)) return;
    seen.add(symbol);
    for (const d of symbol.declarations ?? []) if (d.getSourceFile().fileName.startsWith(dist)) visit(d, via);
  };
  const visit = (node: ts.Node, via: string): void => {
    if (ts.isPropertyDeclaration(node) && node.modifiers?.some((m) => m.kind === ts.SyntaxKind.PrivateKeyword)) return;
    // Type names only: `typeof VERBS` inside `Verb` is the exported type's business.
    let name: ts.Node | undefined;
    if (ts.isTypeReferenceNode(node)) name = node.typeName;
    else if (ts.isExpressionWithTypeArguments(node)) name = node.expression;
    else if (ts.isImportTypeNode(node)) name = node.qualifier;
    if (name && ts.isQualifiedName(name)) name = name.right;
    const raw = name && checker.getSymbolAtLocation(name);
    const symbol = raw && target(raw);
    if (symbol && ours(symbol) && !(symbol.flags & ts.SymbolFlags.TypeParameter)) {
      if (!exported.has(symbol) && !BUILDING_BLOCKS.has(symbol.name)) missing.set(symbol.name, via);
      visitSymbol(symbol, `${via} > ${symbol.name}`);
    }
    ts.forEachChild(node, (child) => visit(child, via));
  };
  for (const symbol of exported) visitSymbol(symbol, symbol.name);

  expect(seen.size).toBeGreaterThan(50);
  expect(Object.fromEntries(missing)).toEqual({});
});
