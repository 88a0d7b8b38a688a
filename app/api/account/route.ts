// The account page's data, and deleting the account (server/account/service.ts).
import { NextResponse } from "next/server";
import { accountOverview, deleteAccount } from "@/server/account/service";
import { deleteAccountSchema } from "@/server/auth/schemas";
import { getDb } from "@/server/db/client";
import { errorResponse, readJson, requireSession } from "@/server/http/respond";
import { getLog } from "@/server/observability/log";
import { consume, getLimits } from "@/server/rate-limits";

export const dynamic = "force-dynamic";

/** The user (name, email) and their signed-in sessions. */
export async function GET() {
  try {
    const { userId, sessionId } = await requireSession();
    await consume(getLimits().account, userId);
    return NextResponse.json({ ok: true, ...(await accountOverview(getDb(), userId, sessionId)) });
  } catch (err) {
    return errorResponse(err);
  }
}

/** { password }: deletes the account; every session ends (this one too), live calls end, contacts are told (server/account/service.ts#deleteAccount). */
export async function DELETE(req: Request) {
  try {
    const { userId } = await requireSession();
    // A malformed body costs no password check; a well-formed one does, right or wrong.
    const body = deleteAccountSchema.parse(await readJson(req));
    await consume(getLimits().passwordCheck, userId);
    await deleteAccount(getDb(), userId, body);
    getLog().info({ event: "account.deleted", userId }, "account deleted");
    return NextResponse.json({ ok: true });
  } catch (err) {
    return errorResponse(err);
  }
}
