-- AlterTable
ALTER TABLE "alert_notification" ADD COLUMN     "summary_day" DATE,
ALTER COLUMN "event_id" DROP NOT NULL;

-- AlterTable
ALTER TABLE "webhook" ADD COLUMN     "daily_summary" BOOLEAN NOT NULL DEFAULT true;

-- CreateTable
CREATE TABLE "alert_daily_summary" (
    "day" DATE NOT NULL,
    "time_zone" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "alert_daily_summary_pkey" PRIMARY KEY ("day")
);

-- AddForeignKey
ALTER TABLE "alert_notification" ADD CONSTRAINT "alert_notification_summary_day_fkey" FOREIGN KEY ("summary_day") REFERENCES "alert_daily_summary"("day") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Hand-written: a notification announces one alert event or one daily summary, never both.
ALTER TABLE "alert_notification" ADD CONSTRAINT "alert_notification_announces_one" CHECK (
  num_nonnulls("event_id", "summary_day") = 1);

-- Hand-written: webhooks that existed before summaries keep receiving what they chose; one limited
-- to some levels (e.g. SIAGA and AWAS for an emergency SMS line) does not start getting summaries.
UPDATE "webhook" SET "daily_summary" = coalesce(cardinality("levels"), 0) = 0;
