"use client";
// Your own picture in a call: a small tile in a corner that you can drag to
// any other corner (it snaps to the nearest), mirrored as a mirror would be.
import { useTranslations } from "next-intl";
import { useEffect, useRef, useState, type PointerEvent } from "react";

type Corner = "top-left" | "top-right" | "bottom-left" | "bottom-right";

const CORNER_CLASS: Record<Corner, string> = {
  "top-left": "left-3 top-20",
  "top-right": "right-3 top-20",
  "bottom-left": "left-3 bottom-28",
  "bottom-right": "right-3 bottom-28",
};

export function SelfView({ stream, cameraOn }: { stream: MediaStream | null; cameraOn: boolean }) {
  const t = useTranslations("call");
  const ref = useRef<HTMLVideoElement>(null);
  const [corner, setCorner] = useState<Corner>("bottom-right");
  const [drag, setDrag] = useState<{ x: number; y: number; dx: number; dy: number } | null>(null);

  useEffect(() => {
    if (ref.current && ref.current.srcObject !== stream) ref.current.srcObject = stream;
  }, [stream]);

  const onDown = (e: PointerEvent<HTMLDivElement>) => {
    e.currentTarget.setPointerCapture(e.pointerId);
    setDrag({ x: e.clientX, y: e.clientY, dx: 0, dy: 0 });
  };
  const onMove = (e: PointerEvent<HTMLDivElement>) => {
    if (drag) setDrag({ ...drag, dx: e.clientX - drag.x, dy: e.clientY - drag.y });
  };
  const onUp = (e: PointerEvent<HTMLDivElement>) => {
    if (!drag) return;
    const left = e.clientX < window.innerWidth / 2;
    const top = e.clientY < window.innerHeight / 2;
    setCorner(`${top ? "top" : "bottom"}-${left ? "left" : "right"}`);
    setDrag(null);
  };

  return (
    <div
      onPointerDown={onDown}
      onPointerMove={onMove}
      onPointerUp={onUp}
      onPointerCancel={() => setDrag(null)}
      style={drag ? { transform: `translate(${drag.dx}px, ${drag.dy}px)` } : undefined}
      className={`absolute z-10 aspect-[3/4] w-28 cursor-grab touch-none overflow-hidden rounded-2xl bg-slate-800 shadow-xl ring-1 ring-white/25 sm:aspect-video sm:w-56 ${drag ? "" : "transition-all duration-200"} ${CORNER_CLASS[corner]}`}
    >
      <video ref={ref} aria-label={t("yourVideo")} autoPlay playsInline muted className={`h-full w-full -scale-x-100 object-cover ${cameraOn ? "" : "invisible"}`} />
      {!cameraOn && <p className="absolute inset-0 flex items-center justify-center p-2 text-center text-xs text-slate-300">{t("yourCameraIsOff")}</p>}
    </div>
  );
}
