// docs/openapi.json against the code: every route file under app/api is
// documented with exactly the methods it exports, every documented path has a
// route (a route file, next-auth's catch-all, or the custom server's
// operations routes), every $ref resolves and every schema compiles, and the
// schemas that restate a rule (request bodies, error codes, history labels)
// say what the code says.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { addContactSchema, changeEmailSchema, changeNameSchema, changePasswordSchema, contactActionSchema, deleteAccountSchema, signUpSchema } from "../../server/auth/schemas";
import { ERROR_CODES } from "../../server/protocol/errors";
import { historyLabel, type CallOutcome } from "../../server/call-domain/state-machine";
import { loadOpenApi, OPENAPI_FILE, schemaValidator } from "../support/openapi";

const ROOT = path.resolve(path.dirname(OPENAPI_FILE), "..");
const API_DIR = path.join(ROOT, "app/api");
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
/** Paths the custom server answers before Next (server/observability/ops-routes.ts). */
const OPS_ROUTES_FILE = path.join(ROOT, "server/observability/ops-routes.ts");

type RouteFile = { file: string; path: string; catchAll: boolean; methods: string[] };

function routeFiles(dir = API_DIR): RouteFile[] {
  const out: RouteFile[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...routeFiles(p));
    else if (entry.name === "route.ts") {
      const segments = path.relative(path.join(ROOT, "app"), path.dirname(p)).split(path.sep);
      const catchAll = segments.some((s) => s.startsWith("[..."));
      const urlPath = "/" + segments.filter((s) => !s.startsWith("[...")).map((s) => s.replace(/^\[(\w+)\]$/, "{$1}")).join("/");
      const src = fs.readFileSync(p, "utf8");
      const methods = METHODS.filter((m) => new RegExp(`export\\s+(async\\s+)?function\\s+${m}\\b|as\\s+${m}\\b`).test(src));
      out.push({ file: path.relative(ROOT, p), path: urlPath, catchAll, methods: [...methods] });
    }
  }
  return out;
}

const spec = loadOpenApi();
const documented = Object.entries(spec.paths).map(([p, ops]) => ({
  path: p,
  methods: Object.keys(ops)
    .filter((k) => (METHODS as readonly string[]).includes(k.toUpperCase()))
    .map((k) => k.toUpperCase()),
}));

describe("docs/openapi.json", () => {
  test("is OpenAPI 3.1 with at least one route", () => {
    assert.equal(spec.openapi, "3.1.0");
    assert.ok(documented.length > 0);
  });

  test("every route file under app/api is documented, with exactly the methods it exports", () => {
    const files = routeFiles();
    assert.ok(files.length >= 6, "found the route files");
    for (const r of files) {
      assert.ok(r.methods.length > 0, `${r.file} exports no HTTP method`);
      if (r.catchAll) {
        const under = documented.filter((d) => d.path.startsWith(r.path + "/"));
        assert.ok(under.length > 0, `${r.file}: no documented path under ${r.path}/`);
        for (const d of under) for (const m of d.methods) assert.ok(r.methods.includes(m), `${d.path} ${m} is documented but ${r.file} does not export ${m}`);
      } else {
        const d = documented.find((x) => x.path === r.path);
        assert.ok(d, `${r.file} (${r.path}) is not in docs/openapi.json`);
        assert.deepEqual([...d.methods].sort(), [...r.methods].sort(), `${r.path}: documented methods differ from ${r.file}'s exports`);
      }
    }
  });

  test("every documented path has a route", () => {
    const files = routeFiles();
    const ops = fs.readFileSync(OPS_ROUTES_FILE, "utf8");
    for (const d of documented) {
      const exact = files.find((r) => !r.catchAll && r.path === d.path);
      const caught = files.find((r) => r.catchAll && d.path.startsWith(r.path + "/"));
      const opsRoute = !d.path.startsWith("/api/") && ops.includes(`"${d.path}"`);
      assert.ok(exact || caught || opsRoute, `${d.path} is documented but no route answers it`);
    }
  });

  test("every $ref resolves and every schema compiles", () => {
    const refs = JSON.stringify(spec).match(/"\$ref":"[^"]+"/g) ?? [];
    for (const r of refs) {
      const name = /#\/components\/schemas\/(\w+)/.exec(r)?.[1];
      assert.ok(name && spec.components.schemas[name], `unresolved ${r}`);
    }
    const validate = schemaValidator(spec);
    for (const name of Object.keys(spec.components.schemas)) assert.doesNotThrow(() => validate(name, {}), `schema ${name} does not compile`);
  });

  test("request bodies, error codes and history labels say what the code says", () => {
    const s = spec.components.schemas as Record<string, { properties: Record<string, { enum?: string[] }>; enum?: string[]; required?: string[] }>;
    assert.deepEqual(Object.keys(s.SignUpRequest!.properties).sort(), Object.keys(signUpSchema.shape).sort());
    assert.deepEqual(Object.keys(s.ContactRequest!.properties), Object.keys(addContactSchema.shape));
    assert.deepEqual(s.ContactAction!.properties.action!.enum, contactActionSchema.shape.action.options);
    assert.deepEqual(Object.keys(s.PasswordChange!.properties).sort(), Object.keys(changePasswordSchema.shape).sort());
    assert.deepEqual(Object.keys(s.AccountDeletion!.properties), Object.keys(deleteAccountSchema.shape));
    assert.deepEqual(Object.keys(s.NameChange!.properties), Object.keys(changeNameSchema.shape));
    assert.deepEqual(Object.keys(s.EmailChange!.properties).sort(), Object.keys(changeEmailSchema.shape).sort());
    assert.deepEqual([...s.ErrorCode!.enum!].sort(), Object.keys(ERROR_CODES).sort());
    const outcomes: CallOutcome[] = ["completed", "declined", "cancelled", "missed", "busy", "failed"];
    const labels = new Set(outcomes.flatMap((o) => [historyLabel(o, "caller"), historyLabel(o, "callee")]));
    assert.deepEqual([...s.HistoryEntry!.properties.label!.enum!].sort(), [...labels].sort());
  });

  test("the validator accepts a good answer and names what is wrong in a bad one", () => {
    const validate = schemaValidator(spec);
    assert.equal(validate("SignUpResponse", { ok: true, user: { id: "u1", name: "Ada" } }), "");
    assert.match(validate("SignUpResponse", { ok: true, user: { id: "u1" } }), /name/);
    assert.match(validate("Error", { ok: false, code: "nope", message: "x" }), /code/);
  });
});
