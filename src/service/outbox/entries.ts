/** Outbox entries: queueing a record for upload, withdrawing ones never sent, and listing them. */
import { randomUUID } from "node:crypto";
import type { UploadRecord } from "../../nhi/format/record.js";
import type { Db } from "../store/db.js";
import { outboxView } from "../store/views.js";
import type { OutboxEntryView, UploadState } from "../types.js";
import { DEADLINE_MS } from "./settings.js";

export interface NewOutboxEntry {
  dispensingId: string;
  visitId: string;
  record: UploadRecord;
  revision: number;
  /** When the card was written (M11), the 24-hour deadline's start. */
  cardWrittenAt: Date;
  now: Date;
  /** Not sent before this instant (a paper entry waiting for the clinic's upload); default: now. */
  holdUntil?: Date;
}

export async function enqueue(db: Db, e: NewOutboxEntry): Promise<string> {
  const id = randomUUID();
  await db
    .insertInto("outbox")
    .values({
      id,
      dispensing_id: e.dispensingId,
      visit_id: e.visitId,
      data_format: e.record.h01,
      revision: e.revision,
      record_json: JSON.stringify(e.record),
      state: "pending",
      attempts: 0,
      next_attempt_at: (e.holdUntil ?? e.now).toISOString(),
      created_at: e.now.toISOString(),
      deadline: new Date(e.cardWrittenAt.getTime() + DEADLINE_MS).toISOString(),
      uploaded_at: null,
      upload_id: null,
      record_no: null,
      last_error: null,
      rejections_json: null,
      checked_at: null,
      sent_batch: null,
      sent_at: null,
    })
    .execute();
  return id;
}

/** When the card was written (M11) for an entry, from its deadline. */
export function cardWrittenAtOf(deadline: string): Date {
  return new Date(new Date(deadline).getTime() - DEADLINE_MS);
}

/** A dispensing's live entries (every revision not replaced by a later one). */
export function liveEntriesOf(db: Db, dispensingId: string) {
  return db
    .selectFrom("outbox")
    .selectAll()
    .where("dispensing_id", "=", dispensingId)
    .where("state", "!=", "superseded")
    .execute();
}

/** Withdraws entries that never went out (they are replaced or no longer wanted). */
export async function withdraw(db: Db, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable("outbox")
    .set({ state: "superseded" })
    .where("id", "in", [...ids])
    .execute();
}

/** Withdraws a dispensing's unsent entries of one format (a newer revision replaces them). */
export async function withdrawUnsent(db: Db, dispensingId: string, dataFormat: string): Promise<void> {
  await db
    .updateTable("outbox")
    .set({ state: "superseded" })
    .where("dispensing_id", "=", dispensingId)
    .where("data_format", "=", dataFormat)
    .where("state", "=", "pending")
    .where("attempts", "=", 0)
    .execute();
}

/** Entries as the upload queue screen lists them, newest first (superseded ones never shown). */
export async function outboxEntries(db: Db, filter?: { state?: UploadState }): Promise<OutboxEntryView[]> {
  let q = db.selectFrom("outbox").selectAll().where("state", "!=", "superseded");
  if (filter?.state) q = q.where("state", "=", filter.state);
  const rows = await q.orderBy("created_at", "desc").orderBy("revision", "desc").limit(1000).execute();
  return rows.map(outboxView);
}

/** The highest revision queued so far for a record (M15 + H01). */
export async function topRevision(db: Db, visitId: string, dataFormat: string): Promise<number> {
  const top = await db
    .selectFrom("outbox")
    .select((eb) => eb.fn.max("revision").as("r"))
    .where("visit_id", "=", visitId)
    .where("data_format", "=", dataFormat)
    .executeTakeFirst();
  return Number(top?.r ?? 0);
}

export function findEntry(db: Db, id: string) {
  return db.selectFrom("outbox").selectAll().where("id", "=", id).executeTakeFirst();
}

/** Moves a waiting entry to the front of the queue. */
export async function sendNow(db: Db, id: string, now: Date): Promise<void> {
  await db.updateTable("outbox").set({ next_attempt_at: now.toISOString() }).where("id", "=", id).execute();
}
