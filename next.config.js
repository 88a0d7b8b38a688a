// @ts-check
// The Content-Security-Policy (with a per-request nonce) is set in proxy.ts (server/http/csp.ts).

/** @type {import('next').NextConfig} */
const nextConfig = {
  // Off: strict mode mounts effects twice in development, which would open and
  // close a second RTCPeerConnection per call and drop the first offer.
  reactStrictMode: false,
  poweredByHeader: false,
  // `npm test` type-checks the whole project (tsc --noEmit) once; the build need not repeat it.
  typescript: { ignoreBuildErrors: true },
  serverExternalPackages: ["@prisma/adapter-better-sqlite3", "better-sqlite3", "@prisma/adapter-pg", "pg", "@node-rs/argon2", "rate-limiter-flexible"],
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

export default nextConfig;
