/** Incidents (incidents): what re-checks found wrong, and the pharmacist's acknowledgement of each. */
import { randomUUID } from "node:crypto";
import type { DispensingRow, IncidentRow } from "../../db/schema.js";
import type { IncidentKind, IncidentView } from "../../domain/incident.js";
import type { Message } from "../../domain/message.js";
import type { IncidentQuery } from "../types.js";
import type { Db } from "./db.js";

export interface NewIncident {
  kind: IncidentKind;
  at: Date;
  dispensing: Pick<DispensingRow, "id" | "original_visit_id" | "refill_no" | "national_id" | "pharmacist_id">;
  nhiCodes: string[];
  differences?: IncidentView["differences"];
  otherInstitution?: IncidentView["otherInstitution"];
  message: Message;
  /** One incident per finding: a repeated re-check finds the same one again and adds nothing. */
  sourceKey: string;
}

export async function addIncident(db: Db, i: NewIncident): Promise<void> {
  await db
    .insertInto("incidents")
    .values({
      id: randomUUID(),
      kind: i.kind,
      at: i.at.toISOString(),
      dispensing_id: i.dispensing.id,
      original_visit_id: i.dispensing.original_visit_id,
      refill_no: i.dispensing.refill_no,
      national_id: i.dispensing.national_id,
      pharmacist_id: i.dispensing.pharmacist_id,
      nhi_codes: JSON.stringify(i.nhiCodes),
      detail_json: JSON.stringify({
        ...(i.differences ? { differences: i.differences } : {}),
        ...(i.otherInstitution ? { otherInstitution: i.otherInstitution } : {}),
      }),
      message_zh: i.message.zh,
      message_en: i.message.en,
      source_key: i.sourceKey,
      acknowledged_by: null,
      acknowledged_at: null,
      acknowledged_note: null,
    })
    .onConflict((oc) => oc.column("source_key").doNothing())
    .execute();
}

export function incidentView(row: IncidentRow): IncidentView {
  const detail = JSON.parse(row.detail_json) as Pick<IncidentView, "differences" | "otherInstitution">;
  const view: IncidentView = {
    id: row.id,
    kind: row.kind as IncidentKind,
    at: row.at,
    dispensingId: row.dispensing_id,
    originalVisitId: row.original_visit_id,
    refillNo: row.refill_no,
    nationalId: row.national_id,
    pharmacistId: row.pharmacist_id,
    nhiCodes: JSON.parse(row.nhi_codes) as string[],
    message: { zh: row.message_zh, en: row.message_en },
    ...detail,
  };
  if (row.acknowledged_by && row.acknowledged_at) {
    view.acknowledged = {
      pharmacistId: row.acknowledged_by,
      at: row.acknowledged_at,
      note: row.acknowledged_note ?? "",
    };
  }
  return view;
}

/** Incidents oldest first: open ones (default), acknowledged ones, or all; optionally found within [from, to). */
export async function incidentRows(db: Db, query: IncidentQuery = {}): Promise<IncidentRow[]> {
  let q = db.selectFrom("incidents").selectAll();
  const state = query.state ?? "open";
  if (state === "open") q = q.where("acknowledged_at", "is", null);
  if (state === "acknowledged") q = q.where("acknowledged_at", "is not", null);
  if (query.from) q = q.where("at", ">=", query.from);
  if (query.to) q = q.where("at", "<", query.to);
  return q.orderBy("at").orderBy("id").execute();
}

export function incidentRow(db: Db, id: string): Promise<IncidentRow | undefined> {
  return db.selectFrom("incidents").selectAll().where("id", "=", id).executeTakeFirst();
}

/** Records the acknowledgement; false when someone acknowledged it first. */
export async function markAcknowledged(
  db: Db,
  a: { id: string; pharmacistId: string; note: string; at: Date },
): Promise<boolean> {
  const updated = await db
    .updateTable("incidents")
    .set({ acknowledged_by: a.pharmacistId, acknowledged_at: a.at.toISOString(), acknowledged_note: a.note })
    .where("id", "=", a.id)
    .where("acknowledged_at", "is", null)
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) === 1;
}
