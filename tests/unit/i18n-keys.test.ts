// Every message exists in every language with the same {placeholders}: a key
// missing in one file would show its raw key to that language's users, and a
// renamed placeholder would throw at format time.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { LOCALES, pickLocale } from "../../i18n/locales";

type Tree = { [key: string]: string | Tree };

function load(locale: string): Tree {
  return JSON.parse(fs.readFileSync(path.join(import.meta.dirname, "../../messages", `${locale}.json`), "utf8")) as Tree;
}

/** "a.b.c" → message, for every leaf. */
function flatten(tree: Tree, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const full = prefix ? `${prefix}.${key}` : key;
    if (typeof value === "string") out.set(full, value);
    else for (const [k, v] of flatten(value, full)) out.set(k, v);
  }
  return out;
}

/** The argument names of an ICU message ({name}, {count, plural, …}). */
function placeholders(message: string): string[] {
  return [...new Set([...message.matchAll(/\{\s*([A-Za-z_][\w]*)\s*[,}]/g)].map((m) => m[1]!))].sort();
}

describe("message files", () => {
  const [base, ...others] = LOCALES;
  const reference = flatten(load(base));

  for (const locale of others) {
    const messages = flatten(load(locale));
    test(`${locale} has exactly the keys of ${base}`, () => {
      const missing = [...reference.keys()].filter((k) => !messages.has(k));
      const extra = [...messages.keys()].filter((k) => !reference.has(k));
      assert.deepEqual({ missing, extra }, { missing: [], extra: [] });
    });
    test(`${locale} uses the same placeholders as ${base}`, () => {
      const differ = [...reference].filter(([k, v]) => messages.has(k) && placeholders(v).join() !== placeholders(messages.get(k)!).join()).map(([k]) => k);
      assert.deepEqual(differ, []);
    });
    test(`${locale} has no empty message`, () => {
      assert.deepEqual([...messages].filter(([, v]) => v.trim() === "").map(([k]) => k), []);
    });
  }

  test("placeholders() reads simple and plural arguments", () => {
    assert.deepEqual(placeholders("Calling {name}"), ["name"]);
    assert.deepEqual(placeholders("{count, plural, one {# call} other {# calls}} from {name}"), ["count", "name"]);
  });
});

describe("pickLocale", () => {
  test("a valid cookie wins over the browser's language", () => {
    assert.equal(pickLocale("zh-CN", "en-US,en;q=0.9"), "zh-CN");
    assert.equal(pickLocale("en", "zh-CN"), "en");
  });
  test("any Chinese first language gets Simplified Chinese; anything else English", () => {
    assert.equal(pickLocale(undefined, "zh-TW,zh;q=0.9"), "zh-CN");
    assert.equal(pickLocale(undefined, "zh"), "zh-CN");
    assert.equal(pickLocale(undefined, "fr-FR,zh;q=0.8"), "en");
    assert.equal(pickLocale(undefined, null), "en");
  });
  test("an unknown cookie value is ignored", () => {
    assert.equal(pickLocale("de", "zh-CN"), "zh-CN");
  });
});
