import type { Db } from "./client";

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function findUserByEmail(db: Db, email: string) {
  return db.user.findUnique({ where: { email: normaliseEmail(email) } });
}

