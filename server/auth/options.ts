// next-auth configuration: Credentials provider, JWT sessions that the server
// knows about: each sign-in makes a Session row whose id the token carries
// (`sid`), and a token counts only while that row exists
// (server/auth/sessions.ts).
import type { NextAuthOptions } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { DialtoneError } from "../protocol/errors";
import { getDb } from "../db/client";
import { getLimits } from "../rate-limits";
import { checkCredentials } from "./accounts";
import { authCookies, secureCookiesFor } from "./cookies";
import { signInSchema } from "./schemas";
import { createSession, deleteSessions, getSessionChecker, isSessionId } from "./sessions";
import { sessionsEnded } from "../realtime";
import { beforeSignIn, signInFailed, signInSucceeded } from "./sign-in-guard";
import { CLIENT_IP_HEADER } from "../http/client-ip";
import { getLog } from "../observability/log";
import { getMetrics } from "../observability/metrics";

// Next's bundler hands us the function; Node's own ESM loader (tsx: tests, the
// custom server) hands us the CommonJS module object with it as `default`.
const CredentialsProvider = (Credentials as unknown as { default?: typeof Credentials }).default ?? Credentials;

export { CLIENT_IP_HEADER };

function header(headers: unknown, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === "function") return (headers as Headers).get(name) ?? undefined;
  const v = (headers as Record<string, string | string[] | undefined>)[name];
  return Array.isArray(v) ? v[0] : v;
}

export const authOptions: NextAuthOptions = {
  secret: process.env.AUTH_SECRET,
  session: { strategy: "jwt", maxAge: 30 * 24 * 60 * 60 },
  useSecureCookies: secureCookiesFor(),
  cookies: authCookies(secureCookiesFor()),
  pages: { signIn: "/signin" },
  providers: [
    CredentialsProvider({
      name: "Email and password",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(credentials, req) {
        const parsed = signInSchema.safeParse({ email: credentials?.email, password: credentials?.password });
        if (!parsed.success) return null;
        const limits = getLimits();
        const { email } = parsed.data;
        const ip = header(req?.headers, CLIENT_IP_HEADER) ?? "unknown";
        const metrics = getMetrics();
        try {
          await beforeSignIn(limits, email, ip);
        } catch (err) {
          metrics.rateLimited.inc({ limit: "sign_in" });
          metrics.signIns.inc({ outcome: "rate_limited" });
          getLog().warn({ event: "auth.sign_in", outcome: "rate_limited", ip }, "sign-in refused: rate limited");
          // next-auth passes the message to the sign-in page as ?error=rate_limited.
          throw err instanceof DialtoneError ? new Error(err.code) : err;
        }
        const db = getDb();
        const user = await checkCredentials(db, email, parsed.data.password);
        await (user ? signInSucceeded(limits, email, ip) : signInFailed(limits, email, ip));
        metrics.signIns.inc({ outcome: user ? "success" : "failure" });
        // Who tried is not logged on a failure (the email may be someone else's, or a typo of a password); the IP is.
        if (user) getLog().info({ event: "auth.sign_in", outcome: "success", userId: user.id, ip }, "signed in");
        else getLog().info({ event: "auth.sign_in", outcome: "failure", ip }, "sign-in failed: wrong email or password");
        if (!user) return null;
        // This browser's session: the account page lists it, and deleting it signs the browser out.
        const sid = await createSession(db, user.id, { userAgent: header(req?.headers, "user-agent"), ip });
        return { ...user, sid };
      },
    }),
  ],
  callbacks: {
    async jwt({ token, user }) {
      if (user) {
        // Signing in: the user and session `authorize` returned.
        token.sub = user.id;
        token.name = user.name;
        token.sid = (user as { sid?: string }).sid;
        return token;
      }
      // Every other read of the token (GET /api/auth/session, getServerSession):
      // its session must still exist. An ended one becomes an empty token,
      // which `session` below answers as "no session" (and next-auth writes
      // back in place of the old one). Throwing would do the same, with an
      // error line and a stack in the log for every ended session that asks.
      // The name is the account's current one.
      const live =
        typeof token.sub === "string" && isSessionId(token.sid) ? await getSessionChecker().check(getDb(), token.sub, token.sid) : null;
      if (!live) return {};
      token.name = live.name;
      return token;
    },
    session({ session, token }) {
      // No subject: an ended session (above). `{}` is next-auth's "no session" (getServerSession: null).
      if (!token.sub) return {} as typeof session;
      if (session.user) {
        (session.user as { id?: string }).id = token.sub;
        session.user.name = token.name;
      }
      return session;
    },
  },
  events: {
    // POST /api/auth/signout: that browser's session row goes too (a copy of
    // its cookie stops working), and its sockets are closed.
    async signOut({ token }) {
      if (typeof token?.sub !== "string" || !isSessionId(token.sid)) return;
      const ended = await deleteSessions(getDb(), token.sub, { only: [token.sid] });
      sessionsEnded(token.sub, ended.length > 0 ? ended : [token.sid]);
    },
  },
};
