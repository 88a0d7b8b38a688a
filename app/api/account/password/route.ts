// A new password (server/account/service.ts#changePassword): every other session ends.
import { NextResponse } from "next/server";
import { changePassword } from "@/server/account/service";
import { changePasswordSchema } from "@/server/auth/schemas";
import { getDb } from "@/server/db/client";
import { errorResponse, readJson, requireSession } from "@/server/http/respond";
import { getLog } from "@/server/observability/log";
import { consume, getLimits } from "@/server/rate-limits";

/** { currentPassword, newPassword } */
export async function POST(req: Request) {
  try {
    const { userId, sessionId } = await requireSession();
    // A malformed body costs no password check; a well-formed one does, right or wrong.
    const body = changePasswordSchema.parse(await readJson(req));
    await consume(getLimits().passwordCheck, userId);
    const ended = await changePassword(getDb(), userId, sessionId, body);
    getLog().info({ event: "account.password_changed", userId, sessionsEnded: ended.length }, "password changed");
    return NextResponse.json({ ok: true, ended: ended.length });
  } catch (err) {
    return errorResponse(err);
  }
}
