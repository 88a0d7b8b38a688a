// A broadcast published by a Lua script in the same round trip as the
// decision that causes it (RedisCallStore's INVITE: the callee's
// call:incoming). Socket.IO's cluster adapter would publish it in a second
// round trip, and make even this node's sockets wait for it.
//
// The entry is exactly what @socket.io/redis-streams-adapter's `doPublish`
// writes for `nsp.to(rooms).emit(event, payload)` (socket.io-adapter's
// ClusterAdapter BROADCAST message, plaintext: the adapter runs with
// onlyPlaintext). Every other node reads it from the stream as its own
// broadcast; this node, whose uid it carries, skips it there and delivers it
// to its own sockets with the entry's id as the recovery offset, as
// ClusterAdapter.broadcast does. tests/multinode covers a ring across nodes.
// Returns undefined when the namespace's adapter is not a cluster adapter
// (one node: the service emits as usual).
import { Adapter, type BroadcastOptions } from "socket.io-adapter";
import type { Announcer, SignalingNamespace } from "../calls/namespace";

/** socket.io-adapter's MessageType.BROADCAST. */
const BROADCAST = 3;
/** socket.io-parser's PacketType.EVENT. */
const EVENT = 2;

type Packet = { type: number; data: unknown[]; nsp?: string };
type ClusterAdapterInternals = Adapter & {
  uid?: unknown;
  addOffsetIfNecessary?: (packet: Packet, opts: BroadcastOptions, offset: string) => void;
};


export function clusterAnnouncer(nsp: SignalingNamespace, stream: string, maxLen: number): Announcer | undefined {
  const adapter = nsp.adapter as unknown as ClusterAdapterInternals;
  const { uid } = adapter;
  if (typeof uid !== "string" || typeof adapter.addOffsetIfNecessary !== "function") return undefined;
  return (rooms, event, payload) => {
    const data = JSON.stringify({ packet: { type: EVENT, data: [event, payload] }, opts: { rooms, except: [], flags: {} } });
    return {
      stream,
      maxLen,
      fields: ["uid", uid, "nsp", nsp.name, "type", String(BROADCAST), "data", data],
      deliverLocally(offset) {
        const packet: Packet = { type: EVENT, data: [event, payload] };
        const opts: BroadcastOptions = { rooms: new Set(rooms), except: new Set(), flags: {} };
        adapter.addOffsetIfNecessary?.(packet, opts, offset);
        Adapter.prototype.broadcast.call(adapter, packet as never, opts);
      },
    };
  };
}
