// The error table and the protocol page: every code maps to an HTTP status and
// a message, unexpected errors never leak their text, and docs/signaling.md
// documents every error code and every event (so the page cannot silently
// fall behind the code).
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { DialtoneError, ERROR_CODES, toAckError, type ErrorCode } from "../../server/protocol/errors";
import { CLIENT_EVENTS, type ServerToClientEvents } from "../../server/protocol/events";

const CODES = Object.keys(ERROR_CODES) as ErrorCode[];

/** Every server→client event; the type check makes this list exhaustive. */
const SERVER_EVENTS_MAP: Record<keyof ServerToClientEvents, true> = {
  "call:incoming": true,
  "call:accepted": true,
  "call:answered-elsewhere": true,
  "call:ended": true,
  "call:peer-connection": true,
  "call:media-state": true,
  "call:screen-share": true,
  "signal:description": true,
  "call:offer": true,
  "signal:candidate": true,
  "presence:update": true,
  "contacts:changed": true,
  "account:renamed": true,
  "session:ended": true,
};
const SERVER_EVENTS = Object.keys(SERVER_EVENTS_MAP);

describe("error codes", () => {
  test("every code has an HTTP status and a message", () => {
    for (const code of CODES) {
      const { http, message } = ERROR_CODES[code];
      assert.ok(Number.isInteger(http) && http >= 400 && http < 600, `${code}: ${http}`);
      assert.ok(message.length > 0 && message.endsWith("."), `${code}: ${message}`);
    }
  });

  test("a DialtoneError keeps its code, default or custom message, and status", () => {
    const e = new DialtoneError("not_contact");
    assert.equal(e.message, ERROR_CODES.not_contact.message);
    assert.equal(e.httpStatus, 403);
    assert.deepEqual(toAckError(e), { ok: false, code: "not_contact", message: ERROR_CODES.not_contact.message });
    assert.deepEqual(toAckError(new DialtoneError("invalid_payload", "Unknown event.")), {
      ok: false,
      code: "invalid_payload",
      message: "Unknown event.",
    });
  });

  test("anything else becomes internal without leaking its message", () => {
    for (const err of [new Error("SQLITE_CORRUPT at /var/lib/secret.db"), "boom", null, { code: "not_contact" }]) {
      assert.deepEqual(toAckError(err), { ok: false, code: "internal", message: ERROR_CODES.internal.message });
    }
  });
});

describe("docs/signaling.md", () => {
  const doc = fs.readFileSync(path.resolve(process.cwd(), "docs/signaling.md"), "utf8");
  const rows = doc.split("\n").filter((l) => l.startsWith("| `"));
  const rowFor = (name: string) => rows.filter((l) => l.startsWith(`| \`${name}\` |`));

  test("has one error-table row per error code, with its HTTP status and default message", () => {
    for (const code of CODES) {
      const found = rowFor(code);
      assert.equal(found.length, 1, `error code ${code}: ${found.length} rows`);
      assert.ok(found[0]!.includes(`| ${ERROR_CODES[code].http} |`), `${code}: HTTP status`);
      assert.ok(found[0]!.includes(ERROR_CODES[code].message), `${code}: message`);
    }
  });

  test("has a row for every client→server event and every server→client event", () => {
    for (const event of CLIENT_EVENTS) assert.ok(rowFor(event).length >= 1, `client event ${event}`);
    for (const event of SERVER_EVENTS) assert.ok(rowFor(event).length >= 1, `server event ${event}`);
    // signal:* go both ways: one row in each table.
    assert.equal(rowFor("signal:description").length, 2);
    assert.equal(rowFor("signal:candidate").length, 2);
    assert.equal(rowFor("call:media-state").length, 2);
  });

  test("documents no event that does not exist", () => {
    const known = new Set<string>([...CLIENT_EVENTS, ...SERVER_EVENTS, ...CODES]);
    for (const row of rows) {
      const name = /^\| `([^`]+)` \|/.exec(row)?.[1];
      if (name && /^[a-z]+:[a-z-]+$/.test(name)) assert.ok(known.has(name), `documented but unknown: ${name}`);
    }
  });
});
