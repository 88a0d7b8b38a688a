// Tailwind 4 reads this file through `@config` in app/globals.css. Colours,
// radii and sizes live in globals.css (`@theme`), the one place for tokens;
// this file only says where classes are used.
import type { Config } from "tailwindcss";

export default {
  content: ["./app/**/*.{ts,tsx}"],
} satisfies Config;
