// Request bodies are limited while they stream, before Next or any route
// reads them: Next's route handlers (and next-auth's) read the whole body into
// memory first, so a size check there comes after the damage (32 MB bodies
// were accepted). Dialtone has no uploads: every body is a small JSON or form.
import type { IncomingMessage, ServerResponse } from "node:http";
import { ERROR_CODES } from "../protocol/errors";

/** The largest request body any route accepts (JSON routes also cap theirs at 8 KB). */
export const MAX_BODY_BYTES = 16 * 1024;

/**
 * Refuses a body over `maxBytes` with 413 and closes the connection: at once
 * when Content-Length says so (the body is never read), or as soon as a
 * streamed (chunked) body passes it. Returns false when it has answered.
 */
export function limitBody(req: IncomingMessage, res: ServerResponse, maxBytes = MAX_BODY_BYTES): boolean {
  if (Number(req.headers["content-length"] ?? 0) > maxBytes) {
    tooLarge(req, res);
    return false;
  }
  // Count bytes where the HTTP parser hands them to the request stream, before
  // anything is buffered; past the limit nothing more is kept or read.
  let seen = 0;
  let refused = false;
  const push = req.push.bind(req);
  req.push = (chunk: unknown, encoding?: BufferEncoding): boolean => {
    if (refused) return false;
    if (chunk !== null && chunk !== undefined) {
      seen += (chunk as { length: number }).length;
      if (seen > maxBytes) {
        refused = true;
        tooLarge(req, res);
        return false;
      }
    }
    return push(chunk, encoding);
  };
  return true;
}

function tooLarge(req: IncomingMessage, res: ServerResponse): void {
  if (res.headersSent) {
    req.socket.destroy();
    return;
  }
  const { http, message } = ERROR_CODES.payload_too_large;
  // `Connection: close`: Node closes the socket once this answer is written.
  res.writeHead(http, { "content-type": "application/json", connection: "close" });
  res.end(JSON.stringify({ ok: false, code: "payload_too_large", message }));
  // A route (Next) may be waiting for the rest of the body: it never comes.
  res.once("finish", () => req.socket.destroySoon());
}
