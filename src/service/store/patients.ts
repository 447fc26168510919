/** Patients (patients): who a prescription or card belongs to. */
import type { Db } from "./db.js";

export async function upsertPatient(
  db: Db,
  at: Date,
  p: { nationalId: string; name?: string; birthDate?: string; sex?: string },
): Promise<void> {
  const iso = at.toISOString();
  await db
    .insertInto("patients")
    .values({
      national_id: p.nationalId,
      name: p.name ?? null,
      birth_date: p.birthDate ?? null,
      sex: p.sex ?? null,
      created_at: iso,
      updated_at: iso,
    })
    .onConflict((oc) =>
      oc.column("national_id").doUpdateSet((eb) => ({
        name: p.name !== undefined ? p.name : eb.ref("patients.name"),
        birth_date: p.birthDate !== undefined ? p.birthDate : eb.ref("patients.birth_date"),
        sex: p.sex !== undefined ? p.sex : eb.ref("patients.sex"),
        updated_at: iso,
      })),
    )
    .execute();
}
