"use client";
import { useEffect } from "react";
import { lazyModule, useLazyModule } from "@/app/lib/lazy-module";
import type { QualityDetailsProps } from "./quality-details-radix";

/** The dialog's code (Radix): fetched when a row's quality button is first pressed, not in the page's first load. */
export const qualityDetailsModule = lazyModule(() => import("./quality-details-radix"));

/** A call's quality records side by side; renders nothing until its code is there. */
export function QualityDetails(props: QualityDetailsProps) {
  const mod = useLazyModule(qualityDetailsModule);
  useEffect(() => {
    if (props.callId) void qualityDetailsModule.load().catch(() => undefined);
  }, [props.callId]);
  return mod ? <mod.RadixQualityDetails {...props} /> : null;
}
