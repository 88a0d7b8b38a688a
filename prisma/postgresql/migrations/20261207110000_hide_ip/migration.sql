-- "Hide my IP address" (server/privacy.ts)
ALTER TABLE "User" ADD COLUMN "hideIp" BOOLEAN NOT NULL DEFAULT false;
