// Session and auth cookies: HttpOnly, SameSite=Lax, path /, and Secure (with
// the __Secure-/__Host- prefixes) exactly when the public URL is https. Checked
// on the options we give next-auth AND on the Set-Cookie headers next-auth
// really sends when someone signs in with those options; and the signaling
// handshake must accept the session cookie under the name next-auth gave it.
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import type { NextAuthOptions } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { authCookies, secureCookiesFor } from "../../server/auth/cookies";
import { userFromCookieHeader } from "../../server/auth/session-cookie";

// Node's ESM loader sees next-auth's CommonJS module object (the function is its `default`).
const CredentialsProvider = (Credentials as unknown as { default?: typeof Credentials }).default ?? Credentials;
const PUBLIC_URL = "https://dialtone.example";
const SECRET = "unit-test-secret-".padEnd(40, "x");
/** The session id the stub sign-in hands next-auth (server/auth/sessions.ts; the real one makes a row). */
const ADA_SID = "ada-session-0123456789";

type Res = { status: number; body: unknown; setCookie: string[] };

/** Runs next-auth's own request handler (the pages-API form) on a fake request. */
async function nextAuth(options: NextAuthOptions, action: string[], init: { method?: string; cookies?: Record<string, string>; body?: Record<string, string> } = {}): Promise<Res> {
  const mod = (await import("next-auth")) as unknown as { default: unknown };
  const handler = ((mod.default as { default?: unknown }).default ?? mod.default) as (req: unknown, res: unknown, o: NextAuthOptions) => Promise<void>;
  const headers: Record<string, unknown> = {};
  const out: Res = { status: 200, body: undefined, setCookie: [] };
  const res = {
    setHeader(k: string, v: unknown) {
      headers[k.toLowerCase()] = v;
      return res;
    },
    getHeader: (k: string) => headers[k.toLowerCase()],
    status(c: number) {
      out.status = c;
      return res;
    },
    json(b: unknown) {
      out.body = b;
      return res;
    },
    send(b: unknown) {
      out.body = b;
      return res;
    },
    redirect(url: string) {
      out.body = { redirect: url };
      return res;
    },
    end: () => res,
  };
  const req = {
    query: { nextauth: action },
    method: init.method ?? "GET",
    headers: { host: new URL(PUBLIC_URL).host, "content-type": "application/x-www-form-urlencoded" },
    cookies: init.cookies ?? {},
    body: init.body ?? {},
  };
  await handler(req, res, options);
  const sc = headers["set-cookie"];
  out.setCookie = Array.isArray(sc) ? (sc as string[]) : typeof sc === "string" ? [sc] : [];
  return out;
}

/** Signs in through next-auth's credentials callback and returns every Set-Cookie it sent. */
async function signIn(options: NextAuthOptions): Promise<string[]> {
  const csrf = await nextAuth(options, ["csrf"]);
  const csrfToken = (csrf.body as { csrfToken: string }).csrfToken;
  const cookies = Object.fromEntries(csrf.setCookie.map((c) => c.split(";")[0]!.split(/=(.*)/s).slice(0, 2) as [string, string]));
  const cb = await nextAuth(options, ["callback", "credentials"], {
    method: "POST",
    cookies: Object.fromEntries(Object.entries(cookies).map(([k, v]) => [k, decodeURIComponent(v)])),
    body: { csrfToken, email: "ada@example.org", password: "correct horse battery", json: "true" },
  });
  return [...csrf.setCookie, ...cb.setCookie];
}

/** Name → attributes (lower-cased) of each Set-Cookie. */
function parseSetCookies(list: string[]): Map<string, { value: string; attrs: Set<string> }> {
  const m = new Map<string, { value: string; attrs: Set<string> }>();
  for (const c of list) {
    const [pair, ...attrs] = c.split(";").map((s) => s.trim());
    const i = pair!.indexOf("=");
    m.set(pair!.slice(0, i), { value: pair!.slice(i + 1), attrs: new Set(attrs.map((a) => a.toLowerCase())) });
  }
  return m;
}

describe("auth cookies", () => {
  let authOptions: NextAuthOptions;
  let withStubUser: (o: NextAuthOptions) => NextAuthOptions;

  before(async () => {
    // The options read NEXTAUTH_URL when their module loads (the server sets it before Next loads routes).
    process.env.NEXTAUTH_URL = PUBLIC_URL;
    ({ authOptions } = await import("../../server/auth/options"));
    // The project's options (cookies, session, callbacks) with a provider that needs no database.
    withStubUser = (o) => ({
      ...o,
      secret: SECRET,
      providers: [CredentialsProvider({ credentials: {}, authorize: async () => ({ id: "user_ada", name: "Ada", sid: ADA_SID }) })],
    });
  });

  test("Secure iff the public URL is https", () => {
    assert.equal(secureCookiesFor("https://dialtone.example"), true);
    assert.equal(secureCookiesFor("http://localhost:3000"), false);
    assert.equal(secureCookiesFor(""), false);
  });

  test("every cookie is HttpOnly, SameSite=Lax, path / and Secure (prefixed) exactly over https", () => {
    for (const secure of [false, true]) {
      const cookies = authCookies(secure);
      assert.deepEqual(Object.keys(cookies).sort(), ["callbackUrl", "csrfToken", "nonce", "pkceCodeVerifier", "sessionToken", "state"]);
      for (const [key, { name, options }] of Object.entries(cookies)) {
        assert.equal(options.httpOnly, true, `${key} httpOnly`);
        assert.equal(options.sameSite, "lax", `${key} sameSite`);
        assert.equal(options.path, "/", `${key} path`);
        assert.equal(options.secure, secure, `${key} secure`);
        assert.equal(/^__(Secure|Host)-/.test(name), secure, `${key} name ${name}`);
      }
    }
    assert.equal(authCookies(true).sessionToken.name, "__Secure-next-auth.session-token");
    assert.equal(authCookies(true).csrfToken.name, "__Host-next-auth.csrf-token");
    assert.equal(authCookies(false).sessionToken.name, "next-auth.session-token");
  });

  test("the app's next-auth options set them explicitly from NEXTAUTH_URL", () => {
    assert.equal(authOptions.useSecureCookies, true);
    assert.deepEqual(authOptions.cookies, authCookies(true));
  });

  test("signing in over https: next-auth sends the session cookie HttpOnly; Secure; SameSite=Lax; Path=/", async () => {
    const set = parseSetCookies(await signIn(withStubUser(authOptions)));
    const session = set.get("__Secure-next-auth.session-token");
    assert.ok(session, `no session cookie in ${[...set.keys()].join(", ")}`);
    for (const attr of ["httponly", "secure", "samesite=lax", "path=/"]) assert.ok(session.attrs.has(attr), `session cookie lacks ${attr}`);
    const csrf = set.get("__Host-next-auth.csrf-token");
    assert.ok(csrf, "csrf cookie");
    for (const attr of ["httponly", "secure", "samesite=lax", "path=/"]) assert.ok(csrf.attrs.has(attr), `csrf cookie lacks ${attr}`);
    for (const [name, c] of set) assert.ok(c.attrs.has("httponly") && c.attrs.has("samesite=lax"), `${name}: ${[...c.attrs].join("; ")}`);

    // The signaling handshake reads the same cookie (secureCookie follows the same rule)…
    const cookie = `__Secure-next-auth.session-token=${session.value}`;
    assert.deepEqual(await userFromCookieHeader(cookie, SECRET, secureCookiesFor(PUBLIC_URL)), { id: "user_ada", name: "Ada", sid: ADA_SID });
    // …and only under that name.
    assert.equal(await userFromCookieHeader(`next-auth.session-token=${session.value}`, SECRET, true), null);
  });

  test("signing in over http: the same attributes without Secure", async () => {
    const set = parseSetCookies(await signIn(withStubUser({ ...authOptions, useSecureCookies: false, cookies: authCookies(false) })));
    const session = set.get("next-auth.session-token");
    assert.ok(session, `no session cookie in ${[...set.keys()].join(", ")}`);
    for (const attr of ["httponly", "samesite=lax", "path=/"]) assert.ok(session.attrs.has(attr), `session cookie lacks ${attr}`);
    assert.equal(session.attrs.has("secure"), false);
    assert.deepEqual(await userFromCookieHeader(`next-auth.session-token=${session.value}`, SECRET, false), { id: "user_ada", name: "Ada", sid: ADA_SID });
  });
});

// The handshake decrypts the token itself, with the key derived once per secret
// (server/auth/session-cookie.ts): it must accept exactly what next-auth's decode accepts.
describe("the session token's decode (cached key) agrees with next-auth's", () => {
  const claims = { sub: "user_ada", name: "Ada", sid: ADA_SID };

  test("next-auth's tokens decode to the same claims; another secret, a changed byte, an expired token: refused as next-auth refuses them", async () => {
    const { encode, decode } = await import("next-auth/jwt");
    const { decodeSessionToken } = await import("../../server/auth/session-cookie");
    const token = await encode({ token: claims, secret: SECRET });
    assert.deepEqual(await decodeSessionToken({ token, secret: SECRET }), await decode({ token, secret: SECRET }));
    // Twice (the cached key) and with a second secret alongside.
    assert.deepEqual(await decodeSessionToken({ token, secret: SECRET }), await decode({ token, secret: SECRET }));
    const other = await encode({ token: claims, secret: `${SECRET}-other` });
    assert.equal((await decodeSessionToken({ token: other, secret: `${SECRET}-other` }))?.sub, "user_ada");
    const refusedByBoth = async (t: string, secret = SECRET) => {
      await assert.rejects(decode({ token: t, secret }));
      await assert.rejects(decodeSessionToken({ token: t, secret }));
    };
    await refusedByBoth(other);
    const parts = token.split(".");
    const flip = (s: string) => (s[5] === "A" ? `${s.slice(0, 5)}B${s.slice(6)}` : `${s.slice(0, 5)}A${s.slice(6)}`);
    await refusedByBoth([parts[0], parts[1], parts[2], flip(parts[3]!), parts[4]].join("."));
    await refusedByBoth([parts[0], parts[1], parts[2], parts[3], flip(parts[4]!)].join("."));
    await refusedByBoth(await encode({ token: claims, secret: SECRET, maxAge: -60 }));
    // Within next-auth's 15 s of clock tolerance: accepted by both.
    const justExpired = await encode({ token: claims, secret: SECRET, maxAge: -5 });
    assert.deepEqual(await decodeSessionToken({ token: justExpired, secret: SECRET }), await decode({ token: justExpired, secret: SECRET }));
    assert.equal(await decodeSessionToken({ token: "", secret: SECRET }), null);
  });
});
