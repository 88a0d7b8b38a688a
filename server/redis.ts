// The Redis connection of a node (only when REDIS_URL is set): the Socket.IO
// adapter between nodes, rate limits and the live call state all use it.
import { createClient } from "redis";

export type RedisClient = ReturnType<typeof createClient>;

export async function connectRedis(url: string): Promise<RedisClient> {
  const client = createClient({ url, socket: { reconnectStrategy: (retries) => Math.min(retries * 100, 2_000) } });
  client.on("error", (err: Error) => console.error("[redis]", err.message));
  await client.connect();
  return client;
}
