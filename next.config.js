// @ts-check
/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  serverExternalPackages: ["@prisma/adapter-better-sqlite3", "better-sqlite3", "@node-rs/argon2", "rate-limiter-flexible"],
};

export default nextConfig;
