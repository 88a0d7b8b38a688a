// A new email to sign in with (server/account/service.ts#changeEmail), given the current password.
import { NextResponse } from "next/server";
import { changeEmail } from "@/server/account/service";
import { changeEmailSchema } from "@/server/auth/schemas";
import { getDb } from "@/server/db/client";
import { errorResponse, readJson, requireSession } from "@/server/http/respond";
import { getLog } from "@/server/observability/log";
import { consume, getLimits } from "@/server/rate-limits";

/** { email, currentPassword } */
export async function POST(req: Request) {
  try {
    const { userId } = await requireSession();
    // A malformed body costs no password check; a well-formed one does, right or wrong.
    const body = changeEmailSchema.parse(await readJson(req));
    await consume(getLimits().passwordCheck, userId);
    const email = await changeEmail(getDb(), userId, body);
    // Neither address is logged (personal data); the user id says whose.
    getLog().info({ event: "account.email_changed", userId }, "email changed");
    return NextResponse.json({ ok: true, email });
  } catch (err) {
    return errorResponse(err);
  }
}
