// Every page but sign-in / sign-up needs a session (API routes answer 401 themselves).
import { withAuth } from "next-auth/middleware";

export default withAuth({ pages: { signIn: "/signin" } });

export const config = {
  matcher: ["/((?!signin|signup|api|_next|favicon.ico|icon.svg|sw.js|manifest.webmanifest).*)"],
};
