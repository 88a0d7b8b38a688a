-- A quality record per participant and call (server/quality/)
-- AlterTable: each side's record in short, read by the history list
ALTER TABLE "Call" ADD COLUMN "callerLevel" TEXT;
ALTER TABLE "Call" ADD COLUMN "callerFailure" TEXT;
ALTER TABLE "Call" ADD COLUMN "calleeLevel" TEXT;
ALTER TABLE "Call" ADD COLUMN "calleeFailure" TEXT;

-- CreateTable
CREATE TABLE "CallQuality" (
    "callId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "level" TEXT,
    "failure" TEXT,
    "setupMs" INTEGER,
    "path" TEXT,
    "rttMedianMs" INTEGER,
    "rttMaxMs" INTEGER,
    "lossPercent" REAL,
    "bitrateOutKbps" INTEGER,
    "bitrateInKbps" INTEGER,
    "videoWidth" INTEGER,
    "videoHeight" INTEGER,
    "fps" INTEGER,
    "iceRestarts" INTEGER NOT NULL,
    "reconnections" INTEGER NOT NULL,
    "connectedSeconds" INTEGER NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("callId", "userId"),
    CONSTRAINT "CallQuality_callId_fkey" FOREIGN KEY ("callId") REFERENCES "Call" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "CallQuality_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "CallQuality_userId_idx" ON "CallQuality"("userId");
