-- CreateEnum
CREATE TYPE "alert_rule_kind" AS ENUM ('THRESHOLD', 'RATE_OF_RISE', 'NO_DATA');

-- CreateEnum
CREATE TYPE "alert_state" AS ENUM ('OPEN', 'ACKNOWLEDGED', 'RESOLVED', 'CLOSED');

-- CreateEnum
CREATE TYPE "notification_status" AS ENUM ('PENDING', 'DELIVERED', 'DEAD');

-- AlterTable (edited by hand: the default is set after the column is added, so readings stored
-- before alerting existed keep a null id and are not evaluated; a volatile default in ADD COLUMN
-- would also rewrite every chunk of the hypertable)
ALTER TABLE "reading" ADD COLUMN     "ingest_xid" BIGINT;
ALTER TABLE "reading" ALTER COLUMN "ingest_xid" SET DEFAULT ((pg_current_xact_id())::text)::bigint;

-- CreateTable
CREATE TABLE "alert_rule" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "kind" "alert_rule_kind" NOT NULL,
    "datastream_id" INTEGER,
    "programme_id" TEXT,
    "observed_property_id" TEXT,
    "thing_id" TEXT,
    "location_id" TEXT,
    "levels" JSONB NOT NULL,
    "window_seconds" INTEGER,
    "pending_seconds" INTEGER NOT NULL DEFAULT 0,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "is_sample" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "alert_rule_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alert_rule_state" (
    "rule_id" UUID NOT NULL,
    "datastream_id" INTEGER NOT NULL,
    "active_level" INTEGER NOT NULL DEFAULT 0,
    "candidate_level" INTEGER,
    "candidate_since" TIMESTAMPTZ(3),
    "last_time" TIMESTAMPTZ(3),
    "alert_id" UUID,

    CONSTRAINT "alert_rule_state_pkey" PRIMARY KEY ("rule_id","datastream_id")
);

-- CreateTable
CREATE TABLE "alert" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "rule_id" UUID NOT NULL,
    "datastream_id" INTEGER NOT NULL,
    "level" TEXT NOT NULL,
    "peak_level" TEXT NOT NULL,
    "state" "alert_state" NOT NULL DEFAULT 'OPEN',
    "value" DOUBLE PRECISION NOT NULL,
    "opened_at" TIMESTAMPTZ(3) NOT NULL,
    "acknowledged_at" TIMESTAMPTZ(3),
    "acknowledged_by" TEXT,
    "ack_note" TEXT,
    "resolved_at" TIMESTAMPTZ(3),
    "closed_at" TIMESTAMPTZ(3),
    "closed_by" TEXT,
    "last_notified_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "alert_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alert_event" (
    "id" BIGSERIAL NOT NULL,
    "alert_id" UUID NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "type" TEXT NOT NULL,
    "from_state" "alert_state",
    "to_state" "alert_state" NOT NULL,
    "from_level" TEXT,
    "to_level" TEXT NOT NULL,
    "value" DOUBLE PRECISION,
    "reading_time" TIMESTAMPTZ(3),
    "actor" TEXT,
    "note" TEXT,

    CONSTRAINT "alert_event_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alert_cadence" (
    "level" TEXT NOT NULL,
    "repeat_seconds" INTEGER,
    "repeat_until_acknowledged" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "alert_cadence_pkey" PRIMARY KEY ("level")
);

-- CreateTable
CREATE TABLE "webhook" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "secret" TEXT NOT NULL,
    "levels" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "webhook_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alert_notification" (
    "id" BIGSERIAL NOT NULL,
    "event_id" BIGINT NOT NULL,
    "webhook_id" UUID NOT NULL,
    "payload" JSONB NOT NULL,
    "status" "notification_status" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL,
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "delivered_at" TIMESTAMPTZ(3),

    CONSTRAINT "alert_notification_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alert_evaluator_progress" (
    "id" TEXT NOT NULL,
    "xid" BIGINT NOT NULL,
    "datastream_id" INTEGER NOT NULL,
    "time" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "alert_evaluator_progress_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "alert_state_opened_at_idx" ON "alert"("state", "opened_at");

-- CreateIndex
CREATE INDEX "alert_datastream_id_opened_at_idx" ON "alert"("datastream_id", "opened_at");

-- CreateIndex
CREATE INDEX "alert_event_alert_id_at_idx" ON "alert_event"("alert_id", "at");

-- CreateIndex
CREATE INDEX "alert_notification_status_next_attempt_at_idx" ON "alert_notification"("status", "next_attempt_at");

-- CreateIndex
CREATE INDEX "alert_notification_event_id_idx" ON "alert_notification"("event_id");

-- CreateIndex
CREATE INDEX "reading_ingest_xid" ON "reading"("ingest_xid");

-- AddForeignKey
ALTER TABLE "alert_rule" ADD CONSTRAINT "alert_rule_datastream_id_fkey" FOREIGN KEY ("datastream_id") REFERENCES "datastream"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alert_rule" ADD CONSTRAINT "alert_rule_programme_id_fkey" FOREIGN KEY ("programme_id") REFERENCES "programme"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alert_rule" ADD CONSTRAINT "alert_rule_observed_property_id_fkey" FOREIGN KEY ("observed_property_id") REFERENCES "observed_property"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alert_rule" ADD CONSTRAINT "alert_rule_thing_id_fkey" FOREIGN KEY ("thing_id") REFERENCES "thing"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alert_rule" ADD CONSTRAINT "alert_rule_location_id_fkey" FOREIGN KEY ("location_id") REFERENCES "location"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alert_rule_state" ADD CONSTRAINT "alert_rule_state_rule_id_fkey" FOREIGN KEY ("rule_id") REFERENCES "alert_rule"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alert_rule_state" ADD CONSTRAINT "alert_rule_state_datastream_id_fkey" FOREIGN KEY ("datastream_id") REFERENCES "datastream"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alert" ADD CONSTRAINT "alert_rule_id_fkey" FOREIGN KEY ("rule_id") REFERENCES "alert_rule"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alert" ADD CONSTRAINT "alert_datastream_id_fkey" FOREIGN KEY ("datastream_id") REFERENCES "datastream"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alert_event" ADD CONSTRAINT "alert_event_alert_id_fkey" FOREIGN KEY ("alert_id") REFERENCES "alert"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alert_notification" ADD CONSTRAINT "alert_notification_event_id_fkey" FOREIGN KEY ("event_id") REFERENCES "alert_event"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alert_notification" ADD CONSTRAINT "alert_notification_webhook_id_fkey" FOREIGN KEY ("webhook_id") REFERENCES "webhook"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Hand-written: constraints schema.prisma cannot express.
-- At most one alert per rule and datastream is open or acknowledged: a second concurrent opening
-- fails (or, with ON CONFLICT, does nothing) in the database itself.
CREATE UNIQUE INDEX "alert_one_open_per_rule_datastream" ON "alert" ("rule_id", "datastream_id")
  WHERE "state" IN ('OPEN', 'ACKNOWLEDGED');

-- A rule without any target column would match every datastream.
ALTER TABLE "alert_rule" ADD CONSTRAINT "alert_rule_has_target" CHECK (
  num_nonnulls("datastream_id", "programme_id", "observed_property_id", "thing_id", "location_id") > 0);
ALTER TABLE "alert_rule" ADD CONSTRAINT "alert_rule_window" CHECK (
  ("kind" = 'RATE_OF_RISE') = ("window_seconds" IS NOT NULL) AND coalesce("window_seconds", 1) > 0);
ALTER TABLE "alert_rule" ADD CONSTRAINT "alert_rule_pending" CHECK ("pending_seconds" >= 0);
ALTER TABLE "alert_rule" ADD CONSTRAINT "alert_rule_levels" CHECK (
  jsonb_typeof("levels") = 'array' AND jsonb_array_length("levels") > 0);
