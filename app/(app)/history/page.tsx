import type { Metadata } from "next";
import { HistoryView } from "./history-view";

export const metadata: Metadata = { title: "Call history · Dialtone" };

export default function HistoryPage() {
  return <HistoryView />;
}
