// The call's verification code (app/call/sas.ts): both sides derive the same
// code from the two negotiated certificate fingerprints whichever way round
// they hold them; changing either certificate changes it; fixed vectors pin
// the derivation, since two versions of the app must agree on it.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { canonicalFingerprint, deriveSas, negotiatedFingerprints } from "../../app/call/sas";
import { trustOf } from "../../app/call/trusted-peers";

const A = { algorithm: "sha-256", value: "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99" };
const B = { algorithm: "sha-256", value: "01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF" };

describe("verification code", () => {
  test("is the same on both sides (fingerprints swapped)", async () => {
    assert.equal(await deriveSas(A, B), await deriveSas(B, A));
  });

  test("is six digits in two groups", async () => {
    assert.match(await deriveSas(A, B), /^\d{3} \d{3}$/);
  });

  test("fixed vectors", async () => {
    assert.equal(await deriveSas(A, B), "214 902");
    assert.equal(await deriveSas(A, A), "758 133");
  });

  test("changing either certificate changes the code (a man in the middle gives each side a different code)", async () => {
    const base = await deriveSas(A, B);
    const flip = (v: string, i: number) => v.slice(0, i) + (v[i] === "0" ? "1" : "0") + v.slice(i + 1);
    let differ = 0;
    for (const i of [0, 3, 45, 94]) {
      if ((await deriveSas({ ...A, value: flip(A.value, i) }, B)) !== base) differ++;
      if ((await deriveSas(A, { ...B, value: flip(B.value, i) })) !== base) differ++;
    }
    assert.equal(differ, 8);
    // A middle holding certificate M: Alice sees (A, M), Bob sees (B, M).
    const M = { algorithm: "sha-256", value: B.value.replace(/^01/, "02") };
    assert.notEqual(await deriveSas(A, M), await deriveSas(B, M));
  });

  test("does not depend on how the fingerprint is written", async () => {
    const lower = { algorithm: "SHA-256 ", value: A.value.toLowerCase() };
    assert.equal(canonicalFingerprint(lower), canonicalFingerprint(A));
    assert.equal(await deriveSas(lower, B), await deriveSas(A, B));
  });

  test("reads the connected transport's certificates from a getStats report", () => {
    const report = [
      { type: "transport", id: "T0", dtlsState: "connecting", localCertificateId: "CX", remoteCertificateId: "CY" },
      { type: "transport", id: "T1", dtlsState: "connected", localCertificateId: "CL", remoteCertificateId: "CR" },
      { type: "certificate", id: "CL", fingerprint: A.value, fingerprintAlgorithm: "sha-256" },
      { type: "certificate", id: "CR", fingerprint: B.value, fingerprintAlgorithm: "sha-256" },
      { type: "certificate", id: "CX", fingerprint: "00", fingerprintAlgorithm: "sha-256" },
    ];
    assert.deepEqual(negotiatedFingerprints(report), { local: A, remote: B });
    assert.equal(negotiatedFingerprints(report.slice(0, 1)), null);
  });
});

describe("trusted peers", () => {
  test("unverified, then verified, then changed for another certificate", async () => {
    const store = new Map<string, string>();
    (globalThis as { localStorage?: unknown }).localStorage = {
      getItem: (k: string) => store.get(k) ?? null,
      setItem: (k: string, v: string) => void store.set(k, v),
    };
    const { markVerified, unmarkVerified } = await import("../../app/call/trusted-peers");
    const a = canonicalFingerprint(A);
    const b = canonicalFingerprint(B);
    assert.equal(trustOf("me", "bob", a), "unverified");
    markVerified("me", "bob", a);
    assert.equal(trustOf("me", "bob", a), "verified");
    assert.equal(trustOf("me", "bob", b), "changed");
    assert.equal(trustOf("someone-else", "bob", a), "unverified");
    unmarkVerified("me", "bob", a);
    assert.equal(trustOf("me", "bob", a), "unverified");
    delete (globalThis as { localStorage?: unknown }).localStorage;
  });
});
