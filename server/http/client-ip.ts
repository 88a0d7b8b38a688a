// The client's IP address: the one rule every per-IP limit uses (HTTP routes,
// next-auth's sign-in, the socket handshake). X-Forwarded-For is read only as
// far as TRUST_PROXY allows: by default nothing is trusted and the TCP peer is
// the client (a header sent straight to us is anybody's to forge). Behind
// proxies, walk the chain [XFF entries…, TCP peer] from the right, skipping the
// trusted hops: either a number of hops (each proxy appends the address it
// received from) or a list of proxy addresses/CIDRs.
import { BlockList, isIP } from "node:net";

/**
 * The custom server (server/index.ts) sets this request header on every
 * request, overwriting any value a client sent, for rate limits in Next's
 * route code, which has no socket to ask.
 */
export const CLIENT_IP_HEADER = "x-dialtone-client-ip";

export type TrustProxy = { hops: number } | { proxies: BlockList; text: string };

export const TRUST_NONE: TrustProxy = { hops: 0 };

/**
 * TRUST_PROXY: empty (trust none), a number of hops (`1` behind one nginx), or
 * comma-separated addresses/CIDRs of the proxies (`10.0.0.0/8, 127.0.0.1`).
 * Returns an error message for anything else.
 */
export function parseTrustProxy(value: string | undefined): TrustProxy | string {
  const text = (value ?? "").trim();
  if (text === "" || text === "false") return TRUST_NONE;
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    return hops <= 32 ? { hops } : "at most 32 hops";
  }
  const proxies = new BlockList();
  for (const entry of text.split(",").map((s) => s.trim()).filter(Boolean)) {
    const [address = "", prefix, extra] = entry.split("/");
    const family = isIP(address);
    const bits = prefix === undefined ? (family === 6 ? 128 : 32) : Number(prefix);
    if (family === 0 || extra !== undefined || !Number.isInteger(bits) || bits < 0 || bits > (family === 6 ? 128 : 32) || (prefix !== undefined && !/^\d+$/.test(prefix)))
      return `"${entry}" is not an IP address or CIDR (use a number of hops, or e.g. 10.0.0.0/8,127.0.0.1)`;
    proxies.addSubnet(address, bits, family === 6 ? "ipv6" : "ipv4");
  }
  return { proxies, text };
}

/** `::ffff:1.2.3.4` → `1.2.3.4`; undefined for anything that is not an address. */
function normalise(raw: string | undefined): string | undefined {
  const a = raw?.trim().replace(/^\[(.*)\]$/, "$1");
  if (!a) return undefined;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(a);
  const address = mapped ? mapped[1]! : a;
  return isIP(address) ? address : undefined;
}

function trusted(trust: TrustProxy, address: string, hopsSoFar: number): boolean {
  if ("hops" in trust) return hopsSoFar < trust.hops;
  return trust.proxies.check(address, isIP(address) === 6 ? "ipv6" : "ipv4");
}

/**
 * The client address of a request that reached us from `peer` with these
 * X-Forwarded-For header(s). A malformed entry ends the walk at the last
 * address that was good.
 */
export function deriveClientIp(peer: string | undefined, forwardedFor: string | string[] | undefined, trust: TrustProxy): string {
  const first = normalise(peer) ?? "unknown";
  if ("hops" in trust && trust.hops === 0) return first;
  const header = Array.isArray(forwardedFor) ? forwardedFor.join(",") : (forwardedFor ?? "");
  const chain = header ? header.split(",") : [];
  let client = first;
  for (let hops = 0; client !== "unknown" && trusted(trust, client, hops); hops++) {
    const next = normalise(chain.pop());
    if (!next) break;
    client = next;
  }
  return client;
}
