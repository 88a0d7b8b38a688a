"use client";
// "Check camera and microphone": opens the device check (fetched on first use).
import { Settings2 } from "lucide-react";
import dynamic from "next/dynamic";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { Button } from "@/app/ui/button";

const DeviceCheckDialog = dynamic(() => import("./device-check").then((m) => m.DeviceCheckDialog), { ssr: false });

export function DeviceCheckButton() {
  const t = useTranslations("devices");
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button variant="secondary" onClick={() => setOpen(true)}>
        <Settings2 aria-hidden size={18} />
        {t("check")}
      </Button>
      {open && <DeviceCheckDialog onClose={() => setOpen(false)} />}
    </>
  );
}
