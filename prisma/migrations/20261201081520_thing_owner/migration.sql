-- AlterTable
ALTER TABLE "thing" ADD COLUMN     "owner_user_id" UUID;

-- CreateIndex
CREATE INDEX "dead_letter_client_id_id_idx" ON "dead_letter"("client_id", "id");

-- CreateIndex
CREATE INDEX "thing_owner_user_id_idx" ON "thing"("owner_user_id");

-- AddForeignKey
ALTER TABLE "thing" ADD CONSTRAINT "thing_owner_user_id_fkey" FOREIGN KEY ("owner_user_id") REFERENCES "app_user"("id") ON DELETE SET NULL ON UPDATE CASCADE;
