/**
 * The log's totals broken down per patient, per pharmacist and per week. They count the same events as the
 * period totals (so each column of a breakdown adds up to the period's figure), from the service's raw events,
 * grouped by the unmasked IDs and labelled as masked: two patients who mask alike stay two rows.
 */
import { addDays, dateFromRocDate, type RocDate, rocDateTimeFromIso } from "../domain/roc-date.js";
import type { RefillDue, RefillEventType, RefillEventView } from "../service/types.js";
import type { PatientLabel, PatientTotals, PharmacistTotals, WeekTotals } from "./model.js";
import { isCounterBlock, isIncidentFound } from "./refill-log-events.js";

export interface BreakdownInput {
  from: RocDate;
  to: RocDate;
  events: readonly RefillEventView[];
  /** The refills due or missed in the period (upcoming ones are not counted). */
  due: readonly RefillDue[];
  isOurs(institutionCode: string | undefined): boolean;
  /** The patient as printed, from the unmasked ID. */
  patient(nationalId: string, originalVisitId: string): PatientLabel;
  /** The pharmacist as printed. */
  pharmacist(pharmacistId: string): string;
}

export interface Breakdowns {
  byPatient: PatientTotals[];
  byPharmacist: PharmacistTotals[];
  byWeek: WeekTotals[];
}

const DAY_MS = 86_400_000;

/** The events both a patient's and a pharmacist's row count, and the column each goes in. */
const COUNTED: Partial<Record<RefillEventType, "dispensings" | "overrides" | "j000" | "deletions" | "refusals">> = {
  dispensed: "dispensings",
  override: "overrides",
  j000: "j000",
  deleted: "deletions",
  blocked: "refusals",
};

/** 0 = Monday … 6 = Sunday, for a Taiwan calendar day. */
function weekday(day: RocDate): number {
  return (new Date(dateFromRocDate(day).getTime() + 8 * 3_600_000).getUTCDay() + 6) % 7;
}

/** Monday-to-Sunday weeks that meet the period, the first and last cut to it. */
export function periodWeeks(from: RocDate, to: RocDate): { from: RocDate; to: RocDate }[] {
  const weeks: { from: RocDate; to: RocDate }[] = [];
  let start = from;
  while (start <= to) {
    const sunday = addDays(start, 6 - weekday(start));
    const end = sunday < to ? sunday : to;
    weeks.push({ from: start, to: end });
    start = addDays(end, 1);
  }
  return weeks;
}

function weekIndex(weeks: readonly { from: RocDate }[], day: RocDate): number {
  const first = dateFromRocDate(weeks[0]!.from).getTime();
  const offset = Math.round((dateFromRocDate(day).getTime() - first) / DAY_MS) + weekday(weeks[0]!.from);
  return Math.max(0, Math.min(weeks.length - 1, Math.floor(offset / 7)));
}

function clip(day: RocDate, from: RocDate, to: RocDate): RocDate {
  return day < from ? from : day > to ? to : day;
}

export function refillLogBreakdowns(input: BreakdownInput): Breakdowns {
  const { from, to } = input;
  const patients = new Map<string, PatientTotals>();
  const pharmacists = new Map<string, PharmacistTotals>();
  const weeks: WeekTotals[] = periodWeeks(from, to).map((w) => ({
    ...w,
    dispensings: 0,
    refillsDue: 0,
    refillsMissed: 0,
  }));
  const prescriptionsOf = new Map<string, Set<string>>();

  const patientRow = (nationalId: string, originalVisitId: string) => {
    let row = patients.get(nationalId);
    if (!row) {
      row = {
        patient: input.patient(nationalId, originalVisitId),
        prescriptions: 0,
        dispensings: 0,
        dispensedElsewhere: 0,
        overrides: 0,
        j000: 0,
        deletions: 0,
        refusals: 0,
        refillsDue: 0,
        refillsMissed: 0,
        incidents: 0,
      };
      patients.set(nationalId, row);
      prescriptionsOf.set(nationalId, new Set());
    }
    prescriptionsOf.get(nationalId)!.add(originalVisitId);
    return row;
  };
  const pharmacistRow = (pharmacistId: string) => {
    let row = pharmacists.get(pharmacistId);
    if (!row) {
      row = {
        pharmacistId: pharmacistId ? input.pharmacist(pharmacistId) : "",
        dispensings: 0,
        overrides: 0,
        j000: 0,
        deletions: 0,
        corrections: 0,
        refusals: 0,
      };
      pharmacists.set(pharmacistId, row);
    }
    return row;
  };

  for (const e of input.events) {
    const ours = input.isOurs(e.institutionCode);
    const patient = patientRow(e.nationalId ?? "", e.originalVisitId);
    if (isIncidentFound(e)) patient.incidents++;
    if (e.type === "dispensed" && !ours) {
      patient.dispensedElsewhere++;
      continue;
    }
    // What follows is ours (refusals at our counter included); NHI findings and C/E count only in the period.
    const finding = e.type === "blocked" && !isCounterBlock(e);
    if (!ours || finding || e.type === "cancelled" || e.type === "restored") continue;
    const pharmacist = pharmacistRow(e.pharmacistId ?? "");
    if (e.type === "corrected") pharmacist.corrections++;
    const key = COUNTED[e.type];
    if (!key) continue;
    patient[key]++;
    pharmacist[key]++;
    if (e.type === "dispensed") {
      weeks[weekIndex(weeks, clip(rocDateTimeFromIso(e.at).slice(0, 7) as RocDate, from, to))]!.dispensings++;
    }
  }
  for (const d of input.due) {
    if (d.state === "upcoming") continue;
    const patient = patientRow(d.nationalId, d.originalVisitId);
    // Due counts in the week its window opens, missed in the week it closed (both cut to the period).
    if (d.state === "due") {
      patient.refillsDue++;
      weeks[weekIndex(weeks, clip(d.window.from, from, to))]!.refillsDue++;
    } else {
      patient.refillsMissed++;
      weeks[weekIndex(weeks, clip(d.window.to, from, to))]!.refillsMissed++;
    }
  }
  for (const [id, row] of patients) row.prescriptions = prescriptionsOf.get(id)!.size;
  const byPatient = [...patients.entries()]
    .sort(([a, x], [b, y]) => x.patient.name.localeCompare(y.patient.name, "zh-TW") || a.localeCompare(b))
    .map(([, row]) => row);
  const byPharmacist = [...pharmacists.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, row]) => row);
  return { byPatient, byPharmacist, byWeek: weeks };
}
