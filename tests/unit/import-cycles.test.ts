// No import circle in server/ or app/, type-only imports included (issue 14:
// service.ts and signaling/cluster-broadcast.ts once imported each other for a
// type). Reads every import and `export … from` with TypeScript's own
// pre-processor (no type checking), resolves relative and `@/` paths, and
// looks for a cycle. Prisma's generated client (server/db/generated) is not
// ours and is left out.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import ts from "typescript";

const root = process.cwd();
const EXTENSIONS = [".ts", ".tsx"];
const SKIP = [path.join(root, "server/db/generated")];

function sources(dir: string, out: string[] = []): string[] {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (SKIP.includes(full)) continue;
    if (entry.isDirectory()) sources(full, out);
    else if (EXTENSIONS.some((e) => entry.name.endsWith(e)) && !entry.name.endsWith(".d.ts")) out.push(full);
  }
  return out;
}

function resolve(from: string, spec: string): string | undefined {
  let base: string;
  if (spec.startsWith("@/")) base = path.join(root, spec.slice(2));
  else if (spec.startsWith(".")) base = path.resolve(path.dirname(from), spec);
  else return undefined; // a package
  for (const candidate of [base, ...EXTENSIONS.map((e) => base + e), ...EXTENSIONS.map((e) => path.join(base, "index" + e))]) {
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

/** One import cycle, as files relative to the root, or undefined. */
function findCycle(files: string[]): string[] | undefined {
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(fs.readFileSync(file, "utf8"), true, false);
    graph.set(file, importedFiles.map((i) => resolve(file, i.fileName)).filter((f): f is string => f !== undefined && !SKIP.some((s) => f.startsWith(s + path.sep))));
  }
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (file: string): string[] | undefined => {
    state.set(file, "open");
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === "open") return [...stack.slice(stack.indexOf(next)), next];
      if (!state.has(next)) {
        const cycle = visit(next);
        if (cycle) return cycle;
      }
    }
    stack.pop();
    state.set(file, "done");
    return undefined;
  };
  for (const file of graph.keys()) {
    if (state.has(file)) continue;
    const cycle = visit(file);
    if (cycle) return cycle.map((f) => path.relative(root, f));
  }
  return undefined;
}

test("no import circle in server/ or app/ (type-only imports count)", () => {
  const files = [...sources(path.join(root, "server")), ...sources(path.join(root, "app"))];
  assert.ok(files.length > 100, `found only ${files.length} files`);
  const cycle = findCycle(files);
  assert.equal(cycle, undefined, `import circle: ${cycle?.join(" → ")}`);
});
