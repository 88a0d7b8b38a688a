// The Redis connection of a node (only when REDIS_URL is set): the Socket.IO
// adapter between nodes, rate limits and the live call state all use it.
import { createClient } from "redis";
import { CALL_SCRIPTS } from "./calls/redis-scripts";
import { getLog } from "./observability/log";

/** A client with the call-state scripts registered (server/calls/redis-scripts.ts). */
function newClient(url: string) {
  return createClient({ url, socket: { reconnectStrategy: (retries) => Math.min(retries * 100, 2_000) }, scripts: CALL_SCRIPTS });
}

export type RedisClient = ReturnType<typeof newClient>;

export async function connectRedis(url: string): Promise<RedisClient> {
  const client = newClient(url);
  // Logged per failed (re)connection attempt: at most one line per 2 s while Redis is away.
  client.on("error", (err: Error) => getLog().error({ event: "redis.error", error: err.message }, "Redis connection error"));
  await client.connect();
  return client;
}
