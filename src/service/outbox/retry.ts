/**
 * Retrying one entry by hand: a waiting one goes to the front of the queue; a rejected one goes up again as-is
 * (after the prescription or card data was fixed at NHI's side) as a new revision, so the first attempt's outcome
 * stays on file. Records past their correction deadline are not sent again (deletions always may be).
 */
import type { Kysely } from "kysely";
import type { Database } from "../../db/schema.js";
import { correctionAllowed } from "../../domain/refill-rules.js";
import { type RocDateTime, rocDateFromDate } from "../../domain/roc-date.js";
import type { UploadRecord } from "../../nhi/format/record.js";
import { findDispensing } from "../store/dispensings.js";
import { audit } from "../store/events.js";
import { cardWrittenAtOf, enqueue, findEntry, sendNow, topRevision } from "./entries.js";

export async function retryOutboxEntry(db: Kysely<Database>, id: string, now: () => Date): Promise<boolean> {
  const row = await findEntry(db, id);
  if (!row) return false;
  if (row.state === "pending") {
    await sendNow(db, id, now());
    return true;
  }
  if (row.state !== "rejected") return false;
  const dispensing = await findDispensing(db, row.dispensing_id);
  if (!dispensing) return false;
  const deletion = row.data_format === "D";
  if (!deletion && !correctionAllowed(dispensing.visit_date_time as RocDateTime, rocDateFromDate(now()))) {
    return false;
  }
  const record = JSON.parse(deletion ? row.record_json : dispensing.record_json) as UploadRecord;
  const revision = (await topRevision(db, row.visit_id, row.data_format)) + 1;
  await db.transaction().execute(async (trx) => {
    await enqueue(trx, {
      dispensingId: row.dispensing_id,
      visitId: row.visit_id,
      record,
      revision,
      cardWrittenAt: cardWrittenAtOf(row.deadline),
      now: now(),
    });
    await audit(trx, now(), "outbox", "retry", "outbox", id, { visitId: row.visit_id, h01: row.data_format });
  });
  return true;
}
