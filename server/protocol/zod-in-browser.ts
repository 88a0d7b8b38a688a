// zod compiles object parsers with `new Function` when it may, and finds out by
// calling Function("") once. Under the pages' CSP (no 'unsafe-eval',
// server/http/csp.ts) that probe is refused and reported as a CSP violation, so
// in the browser zod is told not to try. The server keeps the compiled parsers:
// it parses every signaling event.
import { z } from "zod";

if (typeof window !== "undefined") z.config({ jitless: true });
