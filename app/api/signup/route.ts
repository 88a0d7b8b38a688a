import { NextResponse } from "next/server";
import { signUp } from "@/server/auth/accounts";
import { getDb } from "@/server/db/client";
import { clientIp, errorResponse, readJson } from "@/server/http/respond";
import { consume, getLimits } from "@/server/rate-limits";

export async function POST(req: Request) {
  try {
    await consume(getLimits().signUpIp, clientIp(req));
    const user = await signUp(getDb(), await readJson(req));
    return NextResponse.json({ ok: true, user: { id: user.id, name: user.name } }, { status: 201 });
  } catch (err) {
    return errorResponse(err);
  }
}
