"use client";
import { createContext, useContext } from "react";
import type { Connection } from "./use-connection";

/** The shell's one reading of the connection (see use-connection.ts), for the pages under it. */
export const ConnectionContext = createContext<Connection>({ live: true, offline: false });

export function useConnectionState(): Connection {
  return useContext(ConnectionContext);
}
