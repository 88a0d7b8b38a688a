// Sign-up and credential checks, used by the HTTP routes and next-auth.
import type { Db } from "../db/client";
import { DialtoneError } from "../protocol/errors";
import { findUserByEmail } from "../db/users";
import { dummyHash, hashPassword, verifyPassword } from "./password";
import { signUpSchema } from "./schemas";

export async function signUp(db: Db, input: unknown) {
  const parsed = signUpSchema.safeParse(input);
  if (!parsed.success) throw parsed.error;
  const { name, email, password } = parsed.data;
  const existing = await db.user.findUnique({ where: { email }, select: { id: true } });
  if (existing) throw new DialtoneError("email_taken");
  const passwordHash = await hashPassword(password);
  try {
    return await db.user.create({ data: { name, email, passwordHash }, select: { id: true, name: true, email: true } });
  } catch (err) {
    // Unique constraint: two sign-ups raced for the same email.
    if ((err as { code?: string }).code === "P2002") throw new DialtoneError("email_taken");
    throw err;
  }
}

export async function checkCredentials(db: Db, email: string, password: string) {
  const user = await findUserByEmail(db, email);
  if (!user) {
    await verifyPassword(await dummyHash(), password);
    return null;
  }
  if (!(await verifyPassword(user.passwordHash, password))) return null;
  return { id: user.id, name: user.name, email: user.email };
}
