/** Patients (patients): who a prescription or card belongs to. */
import type { Db } from "./db.js";

/** What one source knows of a patient, and when; a field it leaves out is not known by it. */
export interface PatientFacts {
  nationalId: string;
  name?: string;
  birthDate?: string;
  sex?: string;
}

/** One source's facts of a patient at `at`: what they give is stored, what they leave out stays as stored before. */
export async function upsertPatient(db: Db, at: Date, p: PatientFacts): Promise<void> {
  await db
    .insertInto("patients")
    .values({
      national_id: p.nationalId,
      name: p.name ?? null,
      birth_date: p.birthDate ?? null,
      sex: p.sex ?? null,
      created_at: at.toISOString(),
      updated_at: at.toISOString(),
    })
    .onConflict((oc) =>
      oc.column("national_id").doUpdateSet((eb) => ({
        name: eb.fn.coalesce(eb.ref("excluded.name"), eb.ref("patients.name")),
        birth_date: eb.fn.coalesce(eb.ref("excluded.birth_date"), eb.ref("patients.birth_date")),
        sex: eb.fn.coalesce(eb.ref("excluded.sex"), eb.ref("patients.sex")),
        updated_at: eb.ref("excluded.updated_at"),
      })),
    )
    .execute();
}
