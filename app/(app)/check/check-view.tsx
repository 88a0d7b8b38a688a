"use client";
// /check: will calls work from here? Runs each probe (checks.ts) in turn and
// shows pass / warning / fail with the fix in one sentence, the camera's
// preview and the microphone's level; "Copy report" puts the results as text
// on the clipboard for an admin.
import { CheckCircle2, ClipboardCopy, Loader2, RotateCcw, TriangleAlert, Volume2, XCircle } from "lucide-react";
import { useTranslations } from "next-intl";
import { useCallback, useEffect, useRef, useState } from "react";
import { useCallClient } from "@/app/call/call-provider";
import { Button } from "@/app/ui/button";
import { notify } from "@/app/ui/notify";
import { checkBrowser, checkDevice, checkSignaling, checkStun, checkTurn, loudestLevel, playTestTone, type IceInfo, type Result } from "./checks";

const ITEMS = ["browser", "camera", "microphone", "speaker", "signaling", "stun", "turn"] as const;
type Item = (typeof ITEMS)[number];
type Results = Partial<Record<Item, Result>>;

const ICON = {
  pass: <CheckCircle2 aria-hidden size={22} className="text-success-text" />,
  warn: <TriangleAlert aria-hidden size={22} className="text-warning-text" />,
  fail: <XCircle aria-hidden size={22} className="text-danger-text" />,
};

export function CheckView() {
  const t = useTranslations("check");
  const client = useCallClient();
  const [results, setResults] = useState<Results>({});
  const [running, setRunning] = useState(false);
  const [level, setLevel] = useState(0);
  const preview = useRef<HTMLVideoElement>(null);
  const streams = useRef<MediaStream[]>([]);
  const run = useRef(0);

  const stopStreams = () => {
    for (const s of streams.current) s.getTracks().forEach((track) => track.stop());
    streams.current = [];
  };

  const runAll = useCallback(async () => {
    const id = ++run.current;
    stopStreams();
    setRunning(true);
    setResults({});
    const put = (item: Item, r: Result) => id === run.current && setResults((prev) => ({ ...prev, [item]: r }));
    put("browser", checkBrowser());
    const camera = await checkDevice("camera");
    if (camera.stream) {
      streams.current.push(camera.stream);
      if (preview.current) preview.current.srcObject = camera.stream;
    }
    put("camera", camera.result);
    const mic = await checkDevice("microphone");
    if (mic.stream) {
      streams.current.push(mic.stream);
      const loudest = await loudestLevel(mic.stream, 2_000, (l) => id === run.current && setLevel(l));
      put("microphone", loudest > 0.01 ? mic.result : { verdict: "warn", key: "microphone.silent" });
    } else put("microphone", mic.result);
    put("signaling", checkSignaling(await client.pingSignaling()));
    let ice: IceInfo | null = null;
    try {
      const res = await fetch("/api/check/ice");
      if (res.ok) ice = (await res.json()) as IceInfo;
    } catch {
      // reported below
    }
    if (!ice) {
      put("stun", { verdict: "fail", key: "iceUnavailable" });
      put("turn", { verdict: "fail", key: "iceUnavailable" });
    } else {
      put("stun", await checkStun(ice));
      put("turn", await checkTurn(ice));
    }
    if (id === run.current) setRunning(false);
  }, [client]);

  useEffect(() => {
    // Started after this render (not inside the effect): the run sets state as it goes.
    const start = setTimeout(() => void runAll(), 0);
    const runs = run;
    return () => {
      clearTimeout(start);
      runs.current++;
      stopStreams();
    };
  }, [runAll]);

  async function testSpeaker() {
    await playTestTone();
    setResults((prev) => ({ ...prev, speaker: { verdict: "pass", key: "speaker.played" } }));
  }

  async function copyReport() {
    const lines = ITEMS.map((item) => {
      const r = results[item];
      return `${t(`items.${item}`)}: ${r ? `${r.verdict.toUpperCase()} — ${t(r.key as never, r.values as never)}` : "—"}`;
    });
    const report = [`Dialtone ${t("title")} — ${new Date().toISOString()}`, navigator.userAgent, ...lines].join("\n");
    try {
      await navigator.clipboard.writeText(report);
      notify.success(t("copied"));
    } catch {
      notify.error(t("copyFailed"));
    }
  }

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-bold tracking-tight">{t("title")}</h1>
          <p className="mt-1 text-sm text-muted">{t("intro")}</p>
        </div>
        <div className="flex gap-2">
          <Button variant="secondary" onClick={() => void runAll()} disabled={running}>
            <RotateCcw aria-hidden size={18} />
            {t("runAgain")}
          </Button>
          <Button variant="secondary" onClick={() => void copyReport()} disabled={running}>
            <ClipboardCopy aria-hidden size={18} />
            {t("copyReport")}
          </Button>
        </div>
      </div>
      <ul aria-label={t("results")} aria-busy={running} className="divide-y divide-border overflow-hidden rounded-2xl bg-surface shadow-sm ring-1 ring-border">
        {ITEMS.map((item) => {
          const r = results[item];
          return (
            <li key={item} data-item={item} data-verdict={r?.verdict ?? "pending"} className="flex gap-3 p-4">
              <span className="mt-0.5 shrink-0">
                {r ? ICON[r.verdict] : item === "speaker" ? <Volume2 aria-hidden size={22} className="text-muted" /> : <Loader2 aria-hidden size={22} className="animate-spin text-muted" />}
              </span>
              <div className="min-w-0 flex-1">
                <p className="font-semibold">
                  {t(`items.${item}`)}
                  {r && <span className="sr-only">: {t(`verdict.${r.verdict}`)}</span>}
                </p>
                <p className="mt-0.5 text-sm text-muted">{r ? t(r.key as never, r.values as never) : item === "speaker" ? t("speaker.prompt") : t("checking")}</p>
                {item === "camera" && (
                  <video ref={preview} aria-label={t("cameraPreview")} autoPlay muted playsInline className={`mt-3 aspect-video w-full max-w-xs rounded-xl bg-slate-900 object-cover ${r?.verdict === "pass" ? "" : "hidden"}`} />
                )}
                {item === "microphone" && (
                  <div role="meter" aria-label={t("micLevel")} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(level * 100)} className="mt-3 h-2 w-full max-w-xs overflow-hidden rounded-full bg-surface-2">
                    <div className="h-full rounded-full bg-brand transition-[width] duration-75" style={{ width: `${Math.min(100, Math.round(level * 300))}%` }} />
                  </div>
                )}
                {item === "speaker" && (
                  <Button variant="secondary" className="mt-3" onClick={() => void testSpeaker()}>
                    <Volume2 aria-hidden size={18} />
                    {t("speaker.play")}
                  </Button>
                )}
              </div>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
