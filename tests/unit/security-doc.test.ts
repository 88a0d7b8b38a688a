// docs/security.md keeps up with the code: a row for every HTTP route and
// method under app/api and for every client→server event, every `file#name`
// guard it cites exists, every test it cites exists, and the README links it.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { CLIENT_EVENTS } from "../../server/protocol/events";

const root = process.cwd();
const doc = fs.readFileSync(path.join(root, "docs/security.md"), "utf8");
const rows = doc.split("\n").filter((l) => l.startsWith("| `"));
const hasRow = (name: string) => rows.some((l) => l.startsWith(`| \`${name}\` |`));

/** Every app/api route file with the HTTP methods it exports, as "METHOD /api/…". */
function routes(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/^route\.(ts|tsx|js)$/.test(entry.name)) {
        const src = fs.readFileSync(full, "utf8");
        const url = "/" + path.relative(path.join(root, "app"), dir).split(path.sep).join("/");
        const methods = new Set<string>();
        for (const m of src.matchAll(/export\s+(?:async\s+)?function\s+(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\b/g)) methods.add(m[1]!);
        for (const m of src.matchAll(/\bas\s+(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\b/g)) methods.add(m[1]!);
        for (const m of methods) out.push(`${m} ${url}`);
      }
    }
  };
  walk(path.join(root, "app/api"));
  return out.sort();
}

describe("docs/security.md", () => {
  test("has the threat model's sections", () => {
    for (const heading of ["## 1. Assets", "## 2. Actors", "## 3. Entry points and their guards", "## 5. Not defended yet"]) {
      assert.ok(doc.includes(heading), heading);
    }
  });

  test("has a row for every HTTP route and method", () => {
    const all = routes();
    assert.ok(all.length >= 8, `found only ${all.length} routes: ${all.join(", ")}`);
    for (const r of all) assert.ok(hasRow(r), `no row for ${r}`);
  });

  test("has a row for every client→server event", () => {
    for (const event of CLIENT_EVENTS) assert.ok(hasRow(event), `no row for ${event}`);
  });

  test("every guard it cites (`file#name`) exists", () => {
    const refs = [...doc.matchAll(/`([^`\s]+\.(?:ts|tsx|js|mjs))#([A-Za-z_$][\w$]*)`/g)];
    assert.ok(refs.length >= 30, `only ${refs.length} references`);
    for (const [, file, name] of refs) {
      const full = path.join(root, file!);
      assert.ok(fs.existsSync(full), `${file} does not exist`);
      const src = fs.readFileSync(full, "utf8");
      const declared = new RegExp(`\\b(?:function\\*?|class|interface|type|const|let|var|async)\\s+${name}\\b|\\b${name}\\s*[(=:<]`);
      assert.ok(declared.test(src), `${file} has no ${name}`);
    }
  });

  test("every test file it cites exists", () => {
    const cited = [...doc.matchAll(/`(tests\/[^`\s]+\.ts)`/g)].map((m) => m[1]!);
    assert.ok(cited.length >= 8);
    for (const f of cited) assert.ok(fs.existsSync(path.join(root, f)), `${f} does not exist`);
  });

  test("the README links it", () => {
    assert.ok(fs.readFileSync(path.join(root, "README.md"), "utf8").includes("docs/security.md"), "README.md does not mention docs/security.md");
  });
});
