-- CreateEnum
CREATE TYPE "programme_status" AS ENUM ('PLANNED', 'RUNNING', 'CONTINUED', 'STOPPED');

-- CreateEnum
CREATE TYPE "partner_kind" AS ENUM ('BUSINESS', 'BANK', 'UNIVERSITY', 'STATE_ENTERPRISE', 'MEDIA', 'COMMUNITY');

-- CreateEnum
CREATE TYPE "kpi_direction" AS ENUM ('INCREASE', 'DECREASE');

-- CreateEnum
CREATE TYPE "kpi_source" AS ENUM ('COMPUTED', 'REPORTED');

-- CreateEnum
CREATE TYPE "kpi_aggregation" AS ENUM ('AVG', 'MIN', 'MAX', 'SUM', 'COUNT', 'LAST');

-- CreateEnum
CREATE TYPE "evaluation_component" AS ENUM ('BASELINE', 'OUTPUT', 'OUTCOME', 'IMPACT', 'QUICK_WIN');

-- CreateEnum
CREATE TYPE "report_status" AS ENUM ('SUBMITTED', 'APPROVED', 'REJECTED');

-- AlterTable
ALTER TABLE "programme" ADD COLUMN     "status" "programme_status" NOT NULL DEFAULT 'RUNNING',
ADD COLUMN     "sub_dimension_id" TEXT;

-- CreateTable
CREATE TABLE "sub_dimension" (
    "id" TEXT NOT NULL,
    "dimension_id" TEXT NOT NULL,
    "name_id" TEXT NOT NULL,
    "name_en" TEXT NOT NULL,
    "sort_order" INTEGER NOT NULL,

    CONSTRAINT "sub_dimension_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "partner" (
    "id" TEXT NOT NULL,
    "kind" "partner_kind" NOT NULL,
    "name" TEXT NOT NULL,
    "is_sample" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "partner_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "programme_partner" (
    "programme_id" TEXT NOT NULL,
    "partner_id" TEXT NOT NULL,
    "role_id" TEXT NOT NULL,
    "role_en" TEXT NOT NULL,

    CONSTRAINT "programme_partner_pkey" PRIMARY KEY ("programme_id","partner_id")
);

-- CreateTable
CREATE TABLE "kpi" (
    "id" TEXT NOT NULL,
    "programme_id" TEXT NOT NULL,
    "name_id" TEXT NOT NULL,
    "name_en" TEXT NOT NULL,
    "unit" TEXT NOT NULL,
    "direction" "kpi_direction" NOT NULL,
    "baseline" DOUBLE PRECISION NOT NULL,
    "target" DOUBLE PRECISION NOT NULL,
    "component" "evaluation_component" NOT NULL,
    "weight" DOUBLE PRECISION NOT NULL DEFAULT 1,
    "period_start" DATE NOT NULL,
    "period_end" DATE NOT NULL,
    "source" "kpi_source" NOT NULL,
    "datastream_id" INTEGER,
    "aggregation" "kpi_aggregation",
    "is_sample" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "kpi_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "progress_report" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "kpi_id" TEXT NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,
    "observed_on" DATE NOT NULL,
    "evidence_url" TEXT,
    "note" TEXT NOT NULL DEFAULT '',
    "reporter" TEXT NOT NULL,
    "submitted_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "status" "report_status" NOT NULL DEFAULT 'SUBMITTED',
    "reviewer" TEXT,
    "reviewed_at" TIMESTAMPTZ(3),
    "rejection_reason" TEXT,

    CONSTRAINT "progress_report_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "evaluation_scheme" (
    "id" TEXT NOT NULL,
    "name_id" TEXT NOT NULL,
    "name_en" TEXT NOT NULL,
    "is_default" BOOLEAN NOT NULL DEFAULT false,
    "on_track_ratio" DOUBLE PRECISION NOT NULL DEFAULT 0.9,
    "at_risk_ratio" DOUBLE PRECISION NOT NULL DEFAULT 0.6,

    CONSTRAINT "evaluation_scheme_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "evaluation_weight" (
    "scheme_id" TEXT NOT NULL,
    "component" "evaluation_component" NOT NULL,
    "weight" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "evaluation_weight_pkey" PRIMARY KEY ("scheme_id","component")
);

-- CreateIndex
CREATE INDEX "sub_dimension_dimension_id_idx" ON "sub_dimension"("dimension_id");

-- CreateIndex
CREATE INDEX "programme_partner_partner_id_idx" ON "programme_partner"("partner_id");

-- CreateIndex
CREATE INDEX "kpi_programme_id_idx" ON "kpi"("programme_id");

-- CreateIndex
CREATE INDEX "progress_report_kpi_id_status_observed_on_idx" ON "progress_report"("kpi_id", "status", "observed_on");

-- AddForeignKey
ALTER TABLE "sub_dimension" ADD CONSTRAINT "sub_dimension_dimension_id_fkey" FOREIGN KEY ("dimension_id") REFERENCES "dimension"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "programme" ADD CONSTRAINT "programme_sub_dimension_id_fkey" FOREIGN KEY ("sub_dimension_id") REFERENCES "sub_dimension"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "programme_partner" ADD CONSTRAINT "programme_partner_programme_id_fkey" FOREIGN KEY ("programme_id") REFERENCES "programme"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "programme_partner" ADD CONSTRAINT "programme_partner_partner_id_fkey" FOREIGN KEY ("partner_id") REFERENCES "partner"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "kpi" ADD CONSTRAINT "kpi_programme_id_fkey" FOREIGN KEY ("programme_id") REFERENCES "programme"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "kpi" ADD CONSTRAINT "kpi_datastream_id_fkey" FOREIGN KEY ("datastream_id") REFERENCES "datastream"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "progress_report" ADD CONSTRAINT "progress_report_kpi_id_fkey" FOREIGN KEY ("kpi_id") REFERENCES "kpi"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "evaluation_weight" ADD CONSTRAINT "evaluation_weight_scheme_id_fkey" FOREIGN KEY ("scheme_id") REFERENCES "evaluation_scheme"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Hand-written: rules Prisma's schema language cannot express, kept by the database so that
-- no writer (GraphQL, seed, a manual fix) can store an evaluation that means nothing.
ALTER TABLE "kpi" ADD CONSTRAINT "kpi_source_fields" CHECK (
  ("source" = 'COMPUTED' AND "datastream_id" IS NOT NULL AND "aggregation" IS NOT NULL)
  OR ("source" = 'REPORTED' AND "datastream_id" IS NULL AND "aggregation" IS NULL)
);
ALTER TABLE "kpi" ADD CONSTRAINT "kpi_target_direction" CHECK (
  ("direction" = 'INCREASE' AND "target" > "baseline") OR ("direction" = 'DECREASE' AND "target" < "baseline")
);
ALTER TABLE "kpi" ADD CONSTRAINT "kpi_period" CHECK ("period_end" > "period_start");
ALTER TABLE "kpi" ADD CONSTRAINT "kpi_weight" CHECK ("weight" > 0);
ALTER TABLE "evaluation_weight" ADD CONSTRAINT "evaluation_weight_non_negative" CHECK ("weight" >= 0);
ALTER TABLE "evaluation_scheme" ADD CONSTRAINT "evaluation_scheme_ratios" CHECK (
  0 < "at_risk_ratio" AND "at_risk_ratio" <= "on_track_ratio" AND "on_track_ratio" <= 1
);
ALTER TABLE "progress_report" ADD CONSTRAINT "progress_report_review" CHECK (
  ("status" = 'SUBMITTED' AND "reviewer" IS NULL AND "reviewed_at" IS NULL)
  OR ("status" = 'APPROVED' AND "reviewer" IS NOT NULL AND "reviewed_at" IS NOT NULL)
  OR ("status" = 'REJECTED' AND "reviewer" IS NOT NULL AND "reviewed_at" IS NOT NULL
      AND coalesce(btrim("rejection_reason"), '') <> '')
);
CREATE UNIQUE INDEX "evaluation_scheme_single_default" ON "evaluation_scheme" ("is_default") WHERE "is_default";
