/**
 * Assembles `RefillLogData` for a date range from the dispensing service: the refill events, the refills due or
 * missed, each prescription's refill states, and every dispensing's upload state (for the NHI 24-hour KPI).
 */
import { msg } from "../domain/message.js";
import { maskNationalId, maskNationalIdsInText } from "../domain/national-id.js";
import {
  dateFromRocDateTime,
  daysBetween,
  parseRocDateTime,
  type RocDate,
  type RocDateTime,
  rocDateTimeFromDate,
  rocDateTimeFromIso,
} from "../domain/roc-date.js";
import type {
  DispensingServiceApi,
  DispensingView,
  OutboxEntryView,
  PrescriptionView,
  RefillEventView,
} from "../service/types.js";
import { ReportError } from "./errors.js";
import { groupBy } from "./group.js";
import { institutionNames } from "./institutions.js";
import { mapLimited, prescriptionsOneByOne } from "./one-by-one.js";
import {
  isCounterBlock,
  isDuplicateBlock,
  isIncidentFound,
  isLateDuplicate,
  ORDER,
  reasonCodes,
} from "./refill-log-events.js";

export { isCounterBlock, isDuplicateBlock, isLateDuplicate };

import { patientLabel } from "./mask.js";
import type {
  LogEntry,
  LogPrescription,
  PatientMask,
  PharmacyInfo,
  ProgressListener,
  RefillLogData,
  RefillLogTotals,
  RefillSummary,
  UploadInfo,
} from "./model.js";
import { refillLogBreakdowns } from "./refill-log-totals.js";

/**
 * What the builder needs from the service. The optional range queries (the report store's) make busy months exact
 * and cheap: without them the dispensings are found through `outboxEntries()`, which the service caps (1,000
 * entries), and prescriptions are read one at a time.
 */
export type RefillLogSource = Pick<
  DispensingServiceApi,
  "refillLog" | "refillsDue" | "prescription" | "outboxEntries" | "getDispensing"
> & {
  /** Our dispensings whose card write (M11) falls in the range, deleted ones included. */
  dispensings?(query: { from: RocDate; to: RocDate }): Promise<DispensingView[]>;
  /** Every A/B upload entry of the dispensings in the range (for the 24-hour KPI). */
  outboxFor?(query: { from: RocDate; to: RocDate }): Promise<OutboxEntryView[]>;
  /** Many prescriptions at once (those we hold). */
  prescriptions?(originalVisitIds: readonly string[]): Promise<Map<string, PrescriptionView>>;
};

/** Narrows a log to some prescriptions (all filters must match) or event types. */
export interface RefillLogFilter {
  nationalId?: string;
  /** M17 */
  prescriberInstitutionCode?: string;
  /** Part of the patient's name (as we hold it, before masking). */
  patientName?: string;
  types?: RefillEventView["type"][];
}

export interface RefillLogOptions {
  from: RocDate;
  to: RocDate;
  pharmacy: PharmacyInfo;
  /** How patients and pharmacists appear; national IDs in message text are masked too unless `full`. */
  mask?: PatientMask;
  filter?: RefillLogFilter;
  /** The report's clock (generation time; decides which uploads are still inside their 24 hours). */
  now?: Date;
  onProgress?: ProgressListener;
}

/** NHI: at least 90 % of records uploaded within 24 hours of the card write. */
export const UPLOAD_24H_TARGET = 0.9;
const DAY_MS = 86_400_000;
/** One year is the longest range a log covers (an owner's annual review). */
export const MAX_RANGE_DAYS = 366;

export function validateRange(from: RocDate, to: RocDate): void {
  const days = daysBetween(from, to);
  if (days < 0) {
    throw new ReportError(msg("開始日期晚於結束日期", "The start date is after the end date"), "range-reversed");
  }
  if (days >= MAX_RANGE_DAYS) {
    throw new ReportError(
      msg(`期間最長 ${MAX_RANGE_DAYS} 天`, `The period may be at most ${MAX_RANGE_DAYS} days`),
      "range-too-long",
    );
  }
}

function inRange(at: RocDateTime, from: RocDate, to: RocDate): boolean {
  const day = at.slice(0, 7);
  return day >= from && day <= to;
}

function dispensingKey(originalVisitId: string, refillNo: number | undefined): string {
  return `${originalVisitId}#${refillNo ?? "?"}`;
}

interface UploadTiming {
  within24h?: boolean;
}

/** 24-hour KPI for one dispensing: its first A/B upload against the deadline (card write + 24 h). */
function uploadTiming(d: DispensingView, entries: OutboxEntryView[] | undefined, now: Date): UploadTiming {
  const first = (entries ?? [])
    .filter((e) => e.dataFormat === "A" || e.dataFormat === "B")
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt))[0];
  const deadline = first ? new Date(first.deadline) : new Date(dateFromRocDateTime(d.visitDateTime).getTime() + DAY_MS);
  const uploadedAt = first?.uploadedAt ? new Date(first.uploadedAt) : undefined;
  if (uploadedAt) return { within24h: uploadedAt.getTime() <= deadline.getTime() };
  if (now.getTime() > deadline.getTime()) return { within24h: false };
  return {};
}

export async function buildRefillLogData(source: RefillLogSource, options: RefillLogOptions): Promise<RefillLogData> {
  const { from, to, pharmacy } = options;
  validateRange(from, to);
  const mask = options.mask ?? "masked";
  const now = options.now ?? new Date();
  const progress = options.onProgress;

  const filter = options.filter ?? {};
  const nationalIdFilter = filter.nationalId?.trim().toUpperCase();
  const nameFilter = filter.patientName?.trim();
  let events = await source.refillLog({
    from,
    to,
    ...(nationalIdFilter ? { nationalId: nationalIdFilter } : {}),
    ...(nameFilter ? { patientName: nameFilter } : {}),
    ...(filter.prescriberInstitutionCode ? { prescriberInstitutionCode: filter.prescriberInstitutionCode } : {}),
    ...(filter.types?.length ? { types: filter.types } : {}),
  });
  progress?.({ phase: "events", done: events.length, total: events.length });
  // Refills due are not events: a log narrowed to event types leaves them out.
  let due = filter.types?.length ? [] : await source.refillsDue({ from, to });

  // Dispensings (ours) and their outbox entries.
  const group = (entries: OutboxEntryView[]) => groupBy(entries, (e) => e.dispensingId);
  let dispensings: DispensingView[];
  let outboxByDispensing: Map<string, OutboxEntryView[]>;
  if (source.dispensings) {
    dispensings = await source.dispensings({ from, to });
    progress?.({ phase: "dispensings", done: dispensings.length, total: dispensings.length });
    outboxByDispensing = group(source.outboxFor ? await source.outboxFor({ from, to }) : await source.outboxEntries());
  } else {
    outboxByDispensing = group(await source.outboxEntries());
    const ids = [...outboxByDispensing.keys()];
    const found = await mapLimited(
      ids,
      16,
      (id) => source.getDispensing(id),
      (done) => {
        if (done % 200 === 0 || done === ids.length) progress?.({ phase: "dispensings", done, total: ids.length });
      },
    );
    dispensings = found.filter((d): d is DispensingView => d !== undefined && inRange(d.visitDateTime, from, to));
  }
  const byKey = new Map<string, DispensingView>();
  for (const d of dispensings) {
    const key = dispensingKey(d.originalVisitId, d.refillNo);
    const prev = byKey.get(key);
    // The active dispensing wins over a deleted one for the same refill.
    if (!prev || (prev.status === "deleted" && d.status === "active")) byKey.set(key, d);
  }

  // Prescriptions touched by the range.
  const candidateIds = [...new Set([...events.map((e) => e.originalVisitId), ...due.map((d) => d.originalVisitId)])];
  const prescriptionById = source.prescriptions
    ? await source.prescriptions(candidateIds)
    : await prescriptionsOneByOne(source, candidateIds, (done) => {
        if (done % 100 === 0 || done === candidateIds.length) {
          progress?.({ phase: "prescriptions", done, total: candidateIds.length });
        }
      });
  progress?.({ phase: "prescriptions", done: candidateIds.length, total: candidateIds.length });
  const narrowed = Boolean(nationalIdFilter || filter.prescriberInstitutionCode || nameFilter);
  const wanted = (id: string) => {
    if (!narrowed) return true;
    const p = prescriptionById.get(id);
    if (!p) return false;
    if (nationalIdFilter && p.nationalId !== nationalIdFilter) return false;
    if (filter.prescriberInstitutionCode && p.prescriberInstitutionCode !== filter.prescriberInstitutionCode)
      return false;
    return !nameFilter || (p.patientName ?? "").toLowerCase().includes(nameFilter.toLowerCase());
  };
  const ids = candidateIds.filter(wanted);
  if (narrowed) {
    const keep = new Set(ids);
    events = events.filter((e) => keep.has(e.originalVisitId));
    due = due.filter((d) => keep.has(d.originalVisitId));
    dispensings = dispensings.filter((d) => keep.has(d.originalVisitId));
  }

  const timing = new Map<string, UploadTiming>();
  const timingOf = (d: DispensingView) => {
    let tm = timing.get(d.id);
    if (!tm) {
      tm = uploadTiming(d, outboxByDispensing.get(d.id), now);
      timing.set(d.id, tm);
    }
    return tm;
  };
  const uploadOf = (d: DispensingView): UploadInfo => ({
    state: d.upload.state,
    visitId: d.visitId,
    codes: d.upload.codes.map((c) => `${c.field}:${c.code}`),
    within24h: timingOf(d).within24h,
  });

  const eventsById = groupBy(events, (e) => e.originalVisitId);
  const dueById = groupBy(
    due.filter((d) => d.state !== "upcoming"),
    (d) => d.originalVisitId,
  );

  const isOurs = (code: string | undefined) => !code || code === pharmacy.pharmacyCode;
  const institutionName = institutionNames(pharmacy, prescriptionById.values());
  // Unless the owner asked for full identities, no national ID leaves the builder in clear, message text included.
  const hideId = mask === "full" ? (id: string) => id : maskNationalId;
  const hideIds = mask === "full" ? (text: string) => text : maskNationalIdsInText;

  const log: LogPrescription[] = ids.map((id) => {
    const p = prescriptionById.get(id);
    const evs = (eventsById.get(id) ?? []).slice().sort((a, b) => a.at.localeCompare(b.at));
    const dues = dueById.get(id) ?? [];
    const nationalId = p?.nationalId ?? evs.find((e) => e.nationalId)?.nationalId ?? dues[0]?.nationalId ?? "";
    const name = p?.patientName ?? dues[0]?.patientName;
    const entries: LogEntry[] = evs.map((e) => {
      const d = e.refillNo !== undefined ? byKey.get(dispensingKey(e.originalVisitId, e.refillNo)) : undefined;
      const isDispensing = e.type === "dispensed" || e.type === "override" || e.type === "j000";
      const entry: LogEntry = {
        at: rocDateTimeFromIso(e.at),
        kind:
          e.type === "blocked" && !isCounterBlock(e)
            ? "finding"
            : e.type === "incident" && !isIncidentFound(e)
              ? "acknowledged"
              : e.type,
        refillNo: e.refillNo,
        // Every event names where it happened; one without a code happened at our counter.
        institutionCode: e.institutionCode ?? pharmacy.pharmacyCode,
        institutionName: institutionName(e.institutionCode ?? pharmacy.pharmacyCode),
        elsewhere: !isOurs(e.institutionCode),
        pharmacistId: e.pharmacistId && hideId(e.pharmacistId),
        reasons: isCounterBlock(e) ? reasonCodes(e) : e.reason ? [hideIds(e.reason)] : [],
        // The service tags NHI-reported dispensings with their H01 (A/B/…): a data format, not an NHI code.
        nhiCodes: (e.nhiCodes ?? []).filter((c) => !/^[A-E]$/.test(c)),
        message: { zh: hideIds(e.message.zh), en: hideIds(e.message.en) },
      };
      if (d && isDispensing) {
        entry.days = d.days;
        if (e.type === "dispensed") entry.upload = uploadOf(d);
        if (e.type === "j000" && d.j000Confirmation) {
          const { pharmacistId, at } = d.j000Confirmation;
          entry.confirmation = { pharmacistId: hideId(pharmacistId), at: rocDateTimeFromIso(at) };
        }
        if (e.type === "override" && entry.reasons.length === 0 && d.override) {
          entry.reasons = [hideIds(d.override.reason)];
        }
      } else if (e.type === "dispensed" && isOurs(e.institutionCode)) {
        entry.upload = { state: "none", codes: [] };
      }
      return entry;
    });
    for (const d of dues) {
      entries.push({
        at: parseRocDateTime(`${d.window.from}000000`),
        kind: d.state === "missed" ? "missed" : "due",
        refillNo: d.refillNo,
        reasons: [],
        nhiCodes: [],
        message:
          d.state === "missed"
            ? msg("可領期間已過，尚未領藥", "The window closed without a dispensing")
            : msg("期間內可領藥", "The refill window is open in this period"),
        window: d.window,
      });
    }
    entries.sort((a, b) => a.at.localeCompare(b.at) || ORDER[a.kind] - ORDER[b.kind]);
    const refills: RefillSummary[] = (p?.refills ?? []).map((r) => {
      const dueEntry = dues.find((d) => d.refillNo === r.refillNo);
      const summary: RefillSummary = {
        refillNo: r.refillNo,
        state: r.state === "undispensed" && dueEntry ? (dueEntry.state === "missed" ? "missed" : "due") : r.state,
        restored: r.restored,
        dispensedAt: r.dispensedAt,
        institutionCode: r.dispensedBy,
        institutionName: r.dispensedByName ?? institutionName(r.dispensedBy),
        elsewhere: r.dispensedHere === undefined ? !isOurs(r.dispensedBy) : !r.dispensedHere,
        pharmacistId: r.pharmacistId && hideId(r.pharmacistId),
        days: r.days,
        window: r.window ?? dueEntry?.window,
      };
      return summary;
    });
    return {
      originalVisitId: id,
      prescriberInstitutionCode:
        p?.prescriberInstitutionCode ?? evs.find((e) => e.prescriberInstitutionCode)?.prescriberInstitutionCode ?? "",
      prescriberName: p?.prescriberName,
      originalSequenceNumber: p?.originalSequenceNumber,
      originalVisitDateTime: p?.originalVisitDateTime,
      patient: patientLabel(nationalId, name, mask),
      chronic: p?.chronic ?? false,
      refillCount: p?.refillCount ?? 0,
      daysPerRefill: p?.daysPerRefill,
      refills,
      entries,
    };
  });
  log.sort(
    (a, b) =>
      (a.originalVisitDateTime ?? "").localeCompare(b.originalVisitDateTime ?? "") ||
      a.originalVisitId.localeCompare(b.originalVisitId),
  );

  const count = (type: RefillEventView["type"]) => events.filter((e) => e.type === type).length;
  // Dispensings elsewhere appear in the log (the service records what NHI reports), but the totals are ours.
  const countOurs = (type: RefillEventView["type"]) =>
    events.filter((e) => e.type === type && isOurs(e.institutionCode)).length;
  const duplicates = events.filter(isDuplicateBlock).length;
  const counterBlocks = events.filter(isCounterBlock).length;
  let within = 0;
  let counted = 0;
  let pendingInTime = 0;
  let rejected = 0;
  for (const d of dispensings) {
    // Withdrawn before any upload: NHI never had it, so the 24-hour KPI does not count it either way.
    if (!inRange(d.visitDateTime, from, to) || d.upload.state === "withdrawn") continue;
    const tm = timingOf(d);
    if (d.upload.state === "rejected") rejected++;
    if (tm.within24h === undefined) pendingInTime++;
    else {
      counted++;
      if (tm.within24h) within++;
    }
  }
  const totals: RefillLogTotals = {
    dispensings: countOurs("dispensed"),
    deletions: countOurs("deleted"),
    refillsDue: due.filter((d) => d.state === "due").length,
    refillsMissed: due.filter((d) => d.state === "missed").length,
    duplicatesStopped: duplicates,
    otherBlocks: counterBlocks - duplicates,
    duplicatesFoundLater: events.filter(isLateDuplicate).length,
    overrides: countOurs("override"),
    j000: countOurs("j000"),
    cancellations: count("cancelled"),
    restorations: count("restored"),
    incidents: events.filter(isIncidentFound).length,
    incidentsAcknowledged: events.filter((e) => e.type === "incident" && !isIncidentFound(e)).length,
    uploads: {
      counted,
      within24h: within,
      pendingInTime,
      rejected,
      share: counted > 0 ? within / counted : undefined,
      target: UPLOAD_24H_TARGET,
    },
    ...refillLogBreakdowns({
      from,
      to,
      events,
      due,
      isOurs,
      patient: (nationalId, originalVisitId) =>
        patientLabel(nationalId, prescriptionById.get(originalVisitId)?.patientName, mask),
      pharmacist: hideId,
    }),
  };
  return { pharmacy, from, to, generatedAt: rocDateTimeFromDate(now), mask, totals, prescriptions: log };
}
