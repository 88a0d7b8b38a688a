"use client";
import { Ban, Mic, MoreVertical, UserMinus, Video } from "lucide-react";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { Avatar } from "@/app/ui/avatar";
import { ConfirmDialog } from "@/app/ui/confirm-dialog";
import { IconButton } from "@/app/ui/icon-button";
import { Menu } from "@/app/ui/menu";
import type { CallKind } from "@/server/protocol/events";
import type { ContactPerson } from "@/server/contacts/service";
import { PresenceLabel, type ShownPresence } from "./presence-label";

type Props = {
  person: ContactPerson;
  presence: ShownPresence;
  /** Why calling is not possible now (offline, already in a call), or null. */
  callBlockedBecause: string | null;
  onCall: (kind: CallKind) => void;
  onRemove: () => void;
  onBlock: () => void;
};

/**
 * One contact: who, whether they can be reached, and the two call buttons up
 * front; Remove and Block behind "More actions", each confirmed first.
 */
export function ContactRow({ person, presence, callBlockedBecause, onCall, onRemove, onBlock }: Props) {
  const t = useTranslations("contacts");
  const [confirm, setConfirm] = useState<"remove" | "block" | null>(null);
  const name = person.name;
  return (
    <>
      <Avatar id={person.id} name={name} />
      <span className="flex min-w-0 flex-1 flex-col">
        <span className="truncate font-semibold">{name}</span>
        <PresenceLabel presence={presence} />
      </span>
      <span className="flex shrink-0 items-center gap-1 sm:gap-2">
        <IconButton icon={Video} variant="primary" label={t("videoCall", { name })} disabledReason={callBlockedBecause} onClick={() => onCall("video")} />
        <IconButton icon={Mic} variant="secondary" label={t("audioCall", { name })} disabledReason={callBlockedBecause} onClick={() => onCall("audio")} />
        <Menu
          trigger={<IconButton icon={MoreVertical} label={t("moreActions", { name })} />}
          items={[
            { label: t("remove", { name }), icon: UserMinus, onSelect: () => setConfirm("remove") },
            { label: t("block", { name }), icon: Ban, danger: true, onSelect: () => setConfirm("block") },
          ]}
        />
      </span>
      <ConfirmDialog
        open={confirm !== null}
        onOpenChange={(open) => !open && setConfirm(null)}
        title={confirm === "block" ? t("confirmBlockTitle", { name }) : t("confirmRemoveTitle", { name })}
        description={confirm === "block" ? t("confirmBlockBody", { name }) : t("confirmRemoveBody")}
        confirmLabel={confirm === "block" ? t("confirmBlock") : t("confirmRemove")}
        onConfirm={confirm === "block" ? onBlock : onRemove}
      />
    </>
  );
}
