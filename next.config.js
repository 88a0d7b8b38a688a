// @ts-check
/** @type {import('next').NextConfig} */
const nextConfig = {
  // Off: strict mode mounts effects twice in development, which would open and
  // close a second RTCPeerConnection per call and drop the first offer.
  reactStrictMode: false,
  poweredByHeader: false,
  // `npm test` type-checks the whole project (tsc --noEmit) once; the build need not repeat it.
  typescript: { ignoreBuildErrors: true },
  serverExternalPackages: ["@prisma/adapter-better-sqlite3", "better-sqlite3", "@node-rs/argon2", "rate-limiter-flexible"],
};

export default nextConfig;
