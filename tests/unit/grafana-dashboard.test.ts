// docs/grafana-dashboard.json queries only metrics the server exports: a
// renamed metric fails here, not on an admin's empty panel.
import assert from "node:assert/strict";
import fs from "node:fs";
import { test } from "node:test";
import { Metrics } from "../../server/observability/metrics";

test("every metric the example Grafana dashboard queries is exported", () => {
  const dashboard = JSON.parse(fs.readFileSync("docs/grafana-dashboard.json", "utf8")) as { panels: { targets: { expr: string }[] }[] };
  const exported = new Set(new Metrics({ processMetrics: true }).registry.getMetricsAsArray().map((m) => m.name));
  const queried = new Set(dashboard.panels.flatMap((p) => p.targets.flatMap((t) => [...t.expr.matchAll(/\b((?:dialtone|nodejs|process)_[a-z0-9_]+)/g)].map((m) => m[1]!))));
  assert.ok(queried.size >= 10, `only ${queried.size} metrics queried`);
  for (const name of queried) assert.ok(exported.has(name) || exported.has(name.replace(/_(bucket|sum|count)$/, "")), `${name} is not exported`);
});
