/** Patients (patients): who a prescription or card belongs to. */
import type { Db } from "./db.js";

/** What one source knows of a patient, and when; a field it leaves out is not known by it. */
export interface PatientFacts {
  nationalId: string;
  name?: string;
  birthDate?: string;
  sex?: string;
}

/**
 * Patients in one statement: what a row gives is stored, what it leaves out stays as stored before. Several rows of
 * one patient count in order, as if stored one after another (one upsert may not touch a row twice on PostgreSQL).
 */
export async function upsertPatients(db: Db, people: readonly (PatientFacts & { at: Date })[]): Promise<void> {
  const merged = new Map<string, PatientFacts & { at: Date }>();
  for (const p of people) {
    const known = Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined)) as typeof p;
    merged.set(p.nationalId, { ...merged.get(p.nationalId), ...known });
  }
  if (merged.size === 0) return;
  await db
    .insertInto("patients")
    .values(
      [...merged.values()].map((p) => ({
        national_id: p.nationalId,
        name: p.name ?? null,
        birth_date: p.birthDate ?? null,
        sex: p.sex ?? null,
        created_at: p.at.toISOString(),
        updated_at: p.at.toISOString(),
      })),
    )
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

export function upsertPatient(db: Db, at: Date, p: PatientFacts): Promise<void> {
  return upsertPatients(db, [{ ...p, at }]);
}
