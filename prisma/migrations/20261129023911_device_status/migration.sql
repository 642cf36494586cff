-- AlterTable
ALTER TABLE "thing" ADD COLUMN     "connection" TEXT,
ADD COLUMN     "connection_at" TIMESTAMPTZ(3),
ADD COLUMN     "disabled_at" TIMESTAMPTZ(3),
ADD COLUMN     "last_accepted_at" TIMESTAMPTZ(3);
