/**
 * The client address as the custom server saw it (server/index.ts sets it on
 * every request and overwrites any value a client sent), for rate limits in
 * Next's route code, which has no socket to ask.
 */
export const CLIENT_IP_HEADER = "x-dialtone-client-ip";
