-- CreateEnum
CREATE TYPE "alert_direction" AS ENUM ('RISING', 'FALLING');

-- AlterTable
ALTER TABLE "alert_rule" ADD COLUMN     "direction" "alert_direction" NOT NULL DEFAULT 'RISING';

-- Hand-written: the silence of a NO_DATA rule only grows, so such a rule cannot fall.
ALTER TABLE "alert_rule" ADD CONSTRAINT "alert_rule_no_data_rising" CHECK (
  "kind" <> 'NO_DATA' OR "direction" = 'RISING');
