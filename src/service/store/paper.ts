/** Prescriptions entered from the paper: stored like NHI's, with the typed copy kept for the later re-check. */
import type { PrescriptionStatus } from "../../nhi/client.js";
import type { Db } from "./db.js";
import { prescriptionColumns } from "./prescriptions.js";

/** Stores the typed prescription unless we hold it already (an earlier refill entered from the same paper). */
export async function storePaperPrescription(db: Db, typed: PrescriptionStatus, at: Date): Promise<void> {
  const iso = at.toISOString();
  await db
    .insertInto("prescriptions")
    .values({
      original_visit_id: typed.originalVisitId,
      ...prescriptionColumns(typed),
      nhi_status_json: null,
      nhi_checked_at: null,
      paper_json: JSON.stringify(typed),
      created_at: iso,
      updated_at: iso,
    })
    .onConflict((oc) => oc.column("original_visit_id").doNothing())
    .execute();
}

/** The prescription as it was typed from the paper, if it was. */
export async function typedPrescription(db: Db, key: string): Promise<PrescriptionStatus | undefined> {
  const row = await db
    .selectFrom("prescriptions")
    .select("paper_json")
    .where("original_visit_id", "=", key)
    .executeTakeFirst();
  return row?.paper_json ? (JSON.parse(row.paper_json) as PrescriptionStatus) : undefined;
}
