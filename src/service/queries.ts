/** Read-only queries: dispensings, prescriptions with their refills, refills due, the refill log, the upload queue. */

import type { DispensingRow } from "../db/schema.js";
import { prescriptionView, refillFacts } from "../domain/decision.js";
import { type RocDate, rocDateFromDate } from "../domain/roc-date.js";
import { parseVisitId } from "../domain/visit-id.js";
import type { ServiceContext } from "./context.js";
import { findDispensing, recentDispensingRows } from "./store/dispensings.js";
import { refillLogRows } from "./store/events.js";
import { type LocalState, localFacts } from "./store/local-state.js";
import { reportStore } from "./store/period.js";
import { prescriptionIdsOfPatient } from "./store/prescriptions.js";
import { dispensingView, eventView, latestOutbox } from "./store/views.js";
import type { DispensingView, PrescriptionView, RefillDue, RefillEventView, RefillLogQuery } from "./types.js";

async function views(ctx: ServiceContext, rows: DispensingRow[]): Promise<DispensingView[]> {
  const latest = await latestOutbox(
    ctx.db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => dispensingView(r, latest.get(r.id)));
}

export async function getDispensing(ctx: ServiceContext, id: string): Promise<DispensingView | undefined> {
  const row = await findDispensing(ctx.db, id);
  return row ? (await views(ctx, [row]))[0] : undefined;
}

export async function recentDispensings(ctx: ServiceContext, limit: number): Promise<DispensingView[]> {
  const n = Math.max(1, Math.min(500, Math.floor(limit) || 20));
  return views(ctx, await recentDispensingRows(ctx.db, n));
}

/** Each refill's state, merging NHI's last status with our own dispensings. */
function factsOf(ctx: ServiceContext, local: LocalState & { status: NonNullable<LocalState["status"]> }) {
  return refillFacts(local.status, localFacts(local.active), ctx.pharmacy.pharmacyCode, local.deletedVisitIds);
}

async function viewOfPrescription(ctx: ServiceContext, originalVisitId: string) {
  const local = await ctx.localState(originalVisitId);
  if (!local.status) return undefined;
  return prescriptionView(local.status, factsOf(ctx, { ...local, status: local.status }), local.patientName);
}

export function prescription(ctx: ServiceContext, originalVisitId: string): Promise<PrescriptionView | undefined> {
  const parsed = parseVisitId(originalVisitId);
  return viewOfPrescription(ctx, parsed.valid ? parsed.visitId : originalVisitId);
}

export async function patientPrescriptions(ctx: ServiceContext, nationalId: string): Promise<PrescriptionView[]> {
  const ids = await prescriptionIdsOfPatient(ctx.db, nationalId.trim().toUpperCase());
  const result: PrescriptionView[] = [];
  for (const id of ids) {
    const view = await viewOfPrescription(ctx, id);
    if (view) result.push(view);
  }
  return result;
}

/** Next refills of chronic prescriptions dispensed here whose window overlaps the dates asked, earliest first. */
/** Refills whose window meets the range, read from the prescriptions dispensed shortly before it (set-based). */
export function refillsDue(ctx: ServiceContext, query: { from: RocDate; to: RocDate }): Promise<RefillDue[]> {
  return reportStore(ctx.db, ctx.pharmacy.pharmacyCode, () => rocDateFromDate(ctx.now())).refillsDue(query);
}

export async function refillLog(ctx: ServiceContext, query: RefillLogQuery): Promise<RefillEventView[]> {
  return (await refillLogRows(ctx.db, query)).map(eventView);
}
