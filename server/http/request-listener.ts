// What every HTTP request goes through in the custom server before Next sees
// it (Socket.IO's own paths are taken by Socket.IO first): the client IP for
// route code, then the body limit.
import type { IncomingMessage, ServerResponse } from "node:http";
import { CLIENT_IP_HEADER, deriveClientIp, type TrustProxy } from "./client-ip";
import { limitBody } from "./body-limit";

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

export function createRequestListener(handle: RequestHandler, o: { trustProxy: TrustProxy; maxBodyBytes?: number }) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    // The client address (TRUST_PROXY decides how much of X-Forwarded-For counts),
    // overwriting whatever a client sent under that name.
    req.headers[CLIENT_IP_HEADER] = deriveClientIp(req.socket.remoteAddress, req.headers["x-forwarded-for"], o.trustProxy);
    if (!limitBody(req, res, o.maxBodyBytes)) return;
    void handle(req, res);
  };
}
