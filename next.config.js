// @ts-check
import createNextIntlPlugin from "next-intl/plugin";

// The Content-Security-Policy (with a per-request nonce) is set in proxy.ts (server/http/csp.ts).

/** @type {import('next').NextConfig} */
const nextConfig = {
  // On: the call client (app/call/call-client.ts) lives outside React, so the
  // double mount of development only stops and restarts its socket; no peer
  // connection is made by an effect.
  reactStrictMode: true,
  poweredByHeader: false,
  serverExternalPackages: ["@prisma/adapter-better-sqlite3", "better-sqlite3", "@prisma/adapter-pg", "pg", "@node-rs/argon2", "rate-limiter-flexible", "pino", "pino-pretty", "prom-client"],
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Referrer-Policy", value: "no-referrer" },
          { key: "Permissions-Policy", value: "camera=(self), microphone=(self), geolocation=(), payment=()" },
          { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
        ],
      },
    ];
  },
};

// next-intl reads its request config (locale from cookie / Accept-Language) from i18n/request.ts.
const withNextIntl = createNextIntlPlugin("./i18n/request.ts");

export default withNextIntl(nextConfig);
