// The websocket frames a client sends are masked; ws unmasks them with the
// native `bufferutil` when it can load it, and byte by byte in JS otherwise
// (44 % of the node's CPU under a flood of large frames: docs/performance.md,
// B7). bufferutil is an optional dependency with prebuilt binaries in its npm
// package: this fails if engine.io's copy of ws can no longer load it.
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { test } from "node:test";

test("engine.io's ws finds bufferutil, and it is the native build", () => {
  assert.equal(process.env.WS_NO_BUFFER_UTIL, undefined, "WS_NO_BUFFER_UTIL turns it off");
  const fromEngine = createRequire(createRequire(import.meta.url).resolve("engine.io"));
  const fromWs = createRequire(fromEngine.resolve("ws"));
  const bufferUtil = fromWs("bufferutil") as { unmask: (b: Buffer, m: Buffer) => void };
  assert.match(bufferUtil.unmask.toString(), /\[native code\]/, "bufferutil fell back to its JS version");
  const data = Buffer.from("hello, websocket frame with more than thirty-two bytes");
  const mask = Buffer.from([1, 2, 3, 4]);
  const copy = Buffer.from(data);
  bufferUtil.unmask(copy, mask);
  bufferUtil.unmask(copy, mask);
  assert.deepEqual(copy, data);
});
