-- CreateEnum
CREATE TYPE "programme_kind" AS ENUM ('PROGRAMME', 'QUICK_WIN');

-- CreateTable
CREATE TABLE "dimension" (
    "id" TEXT NOT NULL,
    "name_id" TEXT NOT NULL,
    "name_en" TEXT NOT NULL,
    "sort_order" INTEGER NOT NULL,
    "coordinator_agency_id" TEXT NOT NULL,

    CONSTRAINT "dimension_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "agency" (
    "id" TEXT NOT NULL,
    "acronym" TEXT NOT NULL,
    "name_id" TEXT NOT NULL,
    "name_en" TEXT NOT NULL,

    CONSTRAINT "agency_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "programme" (
    "id" TEXT NOT NULL,
    "kind" "programme_kind" NOT NULL,
    "dimension_id" TEXT NOT NULL,
    "owner_agency_id" TEXT NOT NULL,
    "name_id" TEXT NOT NULL,
    "name_en" TEXT NOT NULL,
    "description_id" TEXT NOT NULL,
    "description_en" TEXT NOT NULL,
    "start_date" DATE NOT NULL,
    "evaluation_date" DATE NOT NULL,
    "is_sample" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "programme_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "location" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "latitude" DOUBLE PRECISION NOT NULL,
    "longitude" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "location_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "thing" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "programme_id" TEXT NOT NULL,
    "location_id" TEXT NOT NULL,
    "credential_hash" TEXT,
    "is_sample" BOOLEAN NOT NULL DEFAULT false,
    "last_seen_at" TIMESTAMPTZ(3),
    "last_error" TEXT,

    CONSTRAINT "thing_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "observed_property" (
    "id" TEXT NOT NULL,
    "name_id" TEXT NOT NULL,
    "name_en" TEXT NOT NULL,

    CONSTRAINT "observed_property_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "datastream" (
    "id" SERIAL NOT NULL,
    "thing_id" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "observed_property_id" TEXT NOT NULL,
    "unit" TEXT NOT NULL,
    "expected_interval_seconds" INTEGER NOT NULL DEFAULT 60,

    CONSTRAINT "datastream_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "reading" (
    "datastream_id" INTEGER NOT NULL,
    "time" TIMESTAMPTZ(3) NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "reading_pkey" PRIMARY KEY ("datastream_id","time")
);

-- CreateTable
CREATE TABLE "latest_reading" (
    "datastream_id" INTEGER NOT NULL,
    "time" TIMESTAMPTZ(3) NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "latest_reading_pkey" PRIMARY KEY ("datastream_id")
);

-- CreateTable
CREATE TABLE "dead_letter" (
    "id" BIGSERIAL NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "topic" TEXT NOT NULL,
    "client_id" TEXT,
    "payload" BYTEA NOT NULL,
    "reason" TEXT NOT NULL,
    "detail" TEXT NOT NULL,

    CONSTRAINT "dead_letter_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "programme_dimension_id_idx" ON "programme"("dimension_id");

-- CreateIndex
CREATE INDEX "thing_programme_id_idx" ON "thing"("programme_id");

-- CreateIndex
CREATE UNIQUE INDEX "datastream_thing_id_key_key" ON "datastream"("thing_id", "key");

-- CreateIndex
CREATE INDEX "dead_letter_received_at_idx" ON "dead_letter"("received_at");

-- AddForeignKey
ALTER TABLE "dimension" ADD CONSTRAINT "dimension_coordinator_agency_id_fkey" FOREIGN KEY ("coordinator_agency_id") REFERENCES "agency"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "programme" ADD CONSTRAINT "programme_dimension_id_fkey" FOREIGN KEY ("dimension_id") REFERENCES "dimension"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "programme" ADD CONSTRAINT "programme_owner_agency_id_fkey" FOREIGN KEY ("owner_agency_id") REFERENCES "agency"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "thing" ADD CONSTRAINT "thing_programme_id_fkey" FOREIGN KEY ("programme_id") REFERENCES "programme"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "thing" ADD CONSTRAINT "thing_location_id_fkey" FOREIGN KEY ("location_id") REFERENCES "location"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "datastream" ADD CONSTRAINT "datastream_thing_id_fkey" FOREIGN KEY ("thing_id") REFERENCES "thing"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "datastream" ADD CONSTRAINT "datastream_observed_property_id_fkey" FOREIGN KEY ("observed_property_id") REFERENCES "observed_property"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "reading" ADD CONSTRAINT "reading_datastream_id_fkey" FOREIGN KEY ("datastream_id") REFERENCES "datastream"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "latest_reading" ADD CONSTRAINT "latest_reading_datastream_id_fkey" FOREIGN KEY ("datastream_id") REFERENCES "datastream"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
