-- AlterTable
ALTER TABLE "progress_report" ADD COLUMN     "reporter_user_id" UUID,
ADD COLUMN     "reviewer_user_id" UUID;

-- AddForeignKey
ALTER TABLE "progress_report" ADD CONSTRAINT "progress_report_reporter_user_id_fkey" FOREIGN KEY ("reporter_user_id") REFERENCES "app_user"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "progress_report" ADD CONSTRAINT "progress_report_reviewer_user_id_fkey" FOREIGN KEY ("reviewer_user_id") REFERENCES "app_user"("id") ON DELETE SET NULL ON UPDATE CASCADE;
