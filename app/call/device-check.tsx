"use client";
// The device check before a call: your camera's picture, the microphone's
// level and the three device choices, remembered for the calls this browser
// makes (device-prefs.ts). Loaded only when opened (device-check-button.tsx).
import * as Dialog from "@radix-ui/react-dialog";
import { useTranslations } from "next-intl";
import { useEffect, useRef, useState } from "react";
import { buttonClass } from "@/app/ui/button";
import { chooseDevice, getPreferredMedia } from "./device-prefs";
import { DeviceFields } from "./device-settings";

export function DeviceCheckDialog({ onClose }: { onClose: () => void }) {
  const t = useTranslations("devices");
  const tc = useTranslations("common");
  const tCall = useTranslations("call");
  const [stream, setStream] = useState<MediaStream | null>(null);
  const [failed, setFailed] = useState(false);
  const [version, setVersion] = useState(0);
  const video = useRef<HTMLVideoElement>(null);

  // The chosen devices (again after each choice); closed with the dialog.
  useEffect(() => {
    let live = true;
    let opened: MediaStream | null = null;
    getPreferredMedia({ audio: true, video: true })
      .catch(() => getPreferredMedia({ audio: true, video: false }))
      .then((s) => {
        opened = s;
        if (live) setStream(s);
        else s.getTracks().forEach((tr) => tr.stop());
      })
      .catch(() => live && setFailed(true));
    return () => {
      live = false;
      opened?.getTracks().forEach((tr) => tr.stop());
    };
  }, [version]);
  useEffect(() => {
    if (video.current) video.current.srcObject = stream;
  }, [stream]);

  return (
    <Dialog.Root open onOpenChange={(open) => !open && onClose()}>
      <Dialog.Portal>
        <Dialog.Overlay className="fixed inset-0 z-50 bg-black/50" />
        <Dialog.Content className="fixed left-1/2 top-1/2 z-50 max-h-[calc(100dvh-2rem)] w-[calc(100%-2rem)] max-w-md -translate-x-1/2 -translate-y-1/2 overflow-y-auto rounded-card bg-surface p-6 text-fg shadow-2xl ring-1 ring-border">
          <Dialog.Title className="text-lg font-semibold">{t("check")}</Dialog.Title>
          <Dialog.Description className="mt-1 text-sm text-muted">{t("checkHint")}</Dialog.Description>
          <div className="mt-4 aspect-video overflow-hidden rounded-2xl bg-slate-900">
            {stream?.getVideoTracks().length ? (
              <video ref={video} aria-label={tCall("cameraPreview")} autoPlay playsInline muted className="h-full w-full -scale-x-100 object-cover" />
            ) : (
              <p className="flex h-full items-center justify-center p-4 text-center text-sm text-slate-300">{failed ? t("blocked") : t("noCamera")}</p>
            )}
          </div>
          <div className="mt-4">
            <DeviceFields
              stream={stream}
              onPick={(kind, device) => {
                chooseDevice(kind, { id: device.deviceId, label: device.label });
                setVersion((v) => v + 1);
              }}
            />
          </div>
          <div className="mt-6 flex justify-end">
            <Dialog.Close className={buttonClass("primary")}>{tc("close")}</Dialog.Close>
          </div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
