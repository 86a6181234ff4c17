-- Issue 17, providers: specialties and doctor profiles. A doctor's id is their user id everywhere, so the
-- profile's key is the user's. approved_at/approved_by are written in identity's approval transaction (the
-- approval hook providers registers): who let the doctor practise and when; a suspension or reactivation
-- (which sends a doctor back to approval) clears them, so the directory lists only approved doctors.
CREATE TABLE "specialties" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name_en" text NOT NULL,
	"name_ar" text NOT NULL,
	"icon" text,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "specialties_name_en_key" ON "specialties" USING btree (lower("name_en"));--> statement-breakpoint
CREATE TABLE "doctor_profiles" (
	"user_id" uuid PRIMARY KEY NOT NULL,
	"name" text,
	"license_number" text NOT NULL,
	"license_expires_on" date NOT NULL,
	"languages" text[] NOT NULL,
	"bio_en" text NOT NULL,
	"bio_ar" text NOT NULL,
	"video_fee_minor" integer NOT NULL,
	"clinic_fee_minor" integer NOT NULL,
	"clinic_branch_id" uuid,
	"rating_count" integer DEFAULT 0 NOT NULL,
	"rating_sum" integer DEFAULT 0 NOT NULL,
	"approved_at" timestamp with time zone,
	"approved_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "doctor_profiles_fees" CHECK ("doctor_profiles"."video_fee_minor" >= 0 AND "doctor_profiles"."clinic_fee_minor" >= 0),
	CONSTRAINT "doctor_profiles_rating" CHECK ("doctor_profiles"."rating_count" >= 0 AND "doctor_profiles"."rating_sum" BETWEEN "doctor_profiles"."rating_count" AND 5 * "doctor_profiles"."rating_count"),
	CONSTRAINT "doctor_profiles_approval" CHECK (("doctor_profiles"."approved_at" IS NULL) = ("doctor_profiles"."approved_by" IS NULL)),
	CONSTRAINT "doctor_profiles_languages" CHECK (cardinality("doctor_profiles"."languages") > 0)
);
--> statement-breakpoint
-- The directory's scan: approved doctors, newest first (keyset on user_id).
CREATE INDEX "doctor_profiles_listed_idx" ON "doctor_profiles" USING btree ("user_id","license_expires_on") WHERE "approved_at" IS NOT NULL;--> statement-breakpoint
ALTER TABLE "doctor_profiles" ADD CONSTRAINT "doctor_profiles_user_fk" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE RESTRICT;--> statement-breakpoint
ALTER TABLE "doctor_profiles" ADD CONSTRAINT "doctor_profiles_approver_fk" FOREIGN KEY ("approved_by") REFERENCES "users"("id") ON DELETE RESTRICT;--> statement-breakpoint
ALTER TABLE "doctor_profiles" ADD CONSTRAINT "doctor_profiles_branch_fk" FOREIGN KEY ("clinic_branch_id") REFERENCES "branches"("id") ON DELETE RESTRICT;--> statement-breakpoint
CREATE TABLE "doctor_specialties" (
	"doctor_id" uuid NOT NULL,
	"specialty_id" uuid NOT NULL,
	CONSTRAINT "doctor_specialties_pk" PRIMARY KEY("doctor_id","specialty_id")
);
--> statement-breakpoint
CREATE INDEX "doctor_specialties_specialty_idx" ON "doctor_specialties" USING btree ("specialty_id","doctor_id");--> statement-breakpoint
ALTER TABLE "doctor_specialties" ADD CONSTRAINT "doctor_specialties_doctor_fk" FOREIGN KEY ("doctor_id") REFERENCES "doctor_profiles"("user_id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "doctor_specialties" ADD CONSTRAINT "doctor_specialties_specialty_fk" FOREIGN KEY ("specialty_id") REFERENCES "specialties"("id") ON DELETE RESTRICT;
