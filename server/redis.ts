// The Redis connection of a node (only when REDIS_URL is set): the Socket.IO
// adapter between nodes, rate limits and the live call state all use it.
import { createClient } from "redis";
import { getLog } from "./observability/log";

export type RedisClient = ReturnType<typeof createClient>;

export async function connectRedis(url: string): Promise<RedisClient> {
  const client = createClient({ url, socket: { reconnectStrategy: (retries) => Math.min(retries * 100, 2_000) } });
  // Logged per failed (re)connection attempt: at most one line per 2 s while Redis is away.
  client.on("error", (err: Error) => getLog().error({ event: "redis.error", error: err.message }, "Redis connection error"));
  await client.connect();
  return client;
}
