// What every HTTP request goes through in the custom server before Next sees
// it (Socket.IO's own paths are taken by Socket.IO first): the client IP for
// route code, writes from other sites refused, then the body limit.
import type { IncomingMessage, ServerResponse } from "node:http";
import { CLIENT_IP_HEADER, deriveClientIp, TRUST_NONE, type TrustProxy } from "./client-ip";
import { limitBody } from "./body-limit";
import { crossSiteWrite } from "./same-origin";
import { ERROR_CODES } from "../protocol/errors";

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

export function createRequestListener(handle: RequestHandler, o: { trustProxy: TrustProxy; maxBodyBytes?: number }) {
  // Only when TRUST_PROXY is unset (an explicit 0 is a choice).
  let warned = o.trustProxy !== TRUST_NONE;
  return (req: IncomingMessage, res: ServerResponse): void => {
    if (!warned && req.headers["x-forwarded-for"]) {
      // Most likely a reverse proxy that TRUST_PROXY does not name: every per-IP limit would count it as one client.
      warned = true;
      console.warn(`[http] X-Forwarded-For received from ${req.socket.remoteAddress} but TRUST_PROXY is not set: per-IP limits count that address as the client (see README, TRUST_PROXY)`);
    }
    // The client address (TRUST_PROXY decides how much of X-Forwarded-For counts),
    // overwriting whatever a client sent under that name.
    req.headers[CLIENT_IP_HEADER] = deriveClientIp(req.socket.remoteAddress, req.headers["x-forwarded-for"], o.trustProxy);
    if (crossSiteWrite(req.method, req.headers)) {
      const { http, message } = ERROR_CODES.forbidden_origin;
      // The body is not read: close rather than drain it.
      res.writeHead(http, { "content-type": "application/json", connection: "close" });
      res.end(JSON.stringify({ ok: false, code: "forbidden_origin", message }));
      return;
    }
    if (!limitBody(req, res, o.maxBodyBytes)) return;
    void handle(req, res);
  };
}
