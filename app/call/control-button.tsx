"use client";
// A round control of the call screen's bottom row (microphone, camera, share
// screen): fixed size, white when pressed (muted, off, sharing).
import type { ReactNode } from "react";

export function ControlButton({ label, disabled, pressed, onClick, icon }: { label: string; disabled?: boolean; pressed: boolean; onClick: () => void; icon: ReactNode }) {
  return (
    <button
      type="button"
      aria-label={label}
      title={label}
      disabled={disabled}
      onClick={onClick}
      className={`inline-flex size-14 items-center justify-center rounded-full shadow-lg backdrop-blur focus-visible:outline-2 focus-visible:outline-offset-4 focus-visible:outline-white disabled:cursor-not-allowed disabled:opacity-40 ${pressed ? "bg-white text-slate-950 hover:bg-slate-200" : "bg-white/20 text-white hover:bg-white/30"}`}
    >
      {icon}
    </button>
  );
}
