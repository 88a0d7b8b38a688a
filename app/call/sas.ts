// The call's short authentication string: a six-digit code both browsers
// derive from the two DTLS certificate fingerprints as actually negotiated
// (getStats' certificate stats of the connected transport, never the SDP
// text, which travels through our server). Read aloud and compared, it
// proves nobody terminates DTLS in the middle: a man in the middle holds two
// DTLS sessions with different certificates, so each side derives a
// different code. Pure functions; call-verification.ts runs them.

/** A certificate fingerprint as getStats reports it, e.g. "sha-256" + "AB:CD:…". */
export type Fingerprint = { algorithm: string; value: string };

const CONTEXT = "dialtone-sas-v1";

/** One canonical text for a fingerprint: lower-case algorithm, upper-case hex pairs joined by ":". */
export function canonicalFingerprint(f: Fingerprint): string {
  const hex = f.value.replace(/[^0-9a-f]/gi, "").toUpperCase();
  return `${f.algorithm.trim().toLowerCase()} ${hex.match(/../g)?.join(":") ?? ""}`;
}

/**
 * The six-digit code of a call between two certificates, the same whichever
 * side computes it (the two fingerprints are sorted before hashing).
 */
export async function deriveSas(local: Fingerprint, remote: Fingerprint): Promise<string> {
  const [first, second] = [canonicalFingerprint(local), canonicalFingerprint(remote)].sort();
  const input = new TextEncoder().encode(`${CONTEXT}\n${first}\n${second}`);
  const digest = new DataView(await crypto.subtle.digest("SHA-256", input));
  // 32 bits mod 10^6: the bias (< 10^6 / 2^32) is far below a guess's 10^-6.
  const code = String(digest.getUint32(0) % 1_000_000).padStart(6, "0");
  return `${code.slice(0, 3)} ${code.slice(3)}`;
}

type StatsEntry = { type: string; id: string; dtlsState?: string; localCertificateId?: string; remoteCertificateId?: string; fingerprint?: string; fingerprintAlgorithm?: string };

/** The connected DTLS transport's two certificate fingerprints in a getStats() report, or null before DTLS is up. */
export function negotiatedFingerprints(report: Iterable<StatsEntry>): { local: Fingerprint; remote: Fingerprint } | null {
  const byId = new Map<string, StatsEntry>();
  for (const s of report) byId.set(s.id, s);
  for (const s of byId.values()) {
    if (s.type !== "transport" || s.dtlsState !== "connected" || !s.localCertificateId || !s.remoteCertificateId) continue;
    const local = byId.get(s.localCertificateId);
    const remote = byId.get(s.remoteCertificateId);
    if (!local?.fingerprint || !remote?.fingerprint) continue;
    return {
      local: { algorithm: local.fingerprintAlgorithm ?? "sha-256", value: local.fingerprint },
      remote: { algorithm: remote.fingerprintAlgorithm ?? "sha-256", value: remote.fingerprint },
    };
  }
  return null;
}
