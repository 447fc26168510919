/**
 * The refill log's totals as CSV rows: the period, each week, each patient, each pharmacist. They share the event
 * table's columns (so one sheet holds both); counts go in the count columns, the rest stays empty.
 */
import { formatRocDate, type RocDate } from "../domain/roc-date.js";
import { neutralizeFormula } from "./csv.js";
import type { PatientTotals, PharmacistTotals, RefillLogData } from "./model.js";

/** The count columns, empty on an event row. */
export const NO_COUNTS = {
  period_from: "",
  period_to: "",
  prescriptions: "",
  dispensings: "",
  dispensed_elsewhere: "",
  overrides: "",
  j000: "",
  deletions: "",
  corrections: "",
  refusals: "",
  refills_due: "",
  refills_missed: "",
  incidents: "",
};

type Counts = Partial<Omit<PatientTotals, "patient"> & Pick<PharmacistTotals, "corrections">>;

export type TotalRow = Record<string, string>;

function counts(c: Counts): TotalRow {
  const n = (v: number | undefined) => (v === undefined ? "" : String(v));
  return {
    prescriptions: n(c.prescriptions),
    dispensings: n(c.dispensings),
    dispensed_elsewhere: n(c.dispensedElsewhere),
    overrides: n(c.overrides),
    j000: n(c.j000),
    deletions: n(c.deletions),
    corrections: n(c.corrections),
    refusals: n(c.refusals),
    refills_due: n(c.refillsDue),
    refills_missed: n(c.refillsMissed),
    incidents: n(c.incidents),
  };
}

function period(from: RocDate, to: RocDate): TotalRow {
  return { period_from: formatRocDate(from), period_to: formatRocDate(to) };
}

export function* totalRows(data: RefillLogData): Generator<TotalRow> {
  const t = data.totals;
  yield {
    event: "total",
    event_label: "期間合計",
    ...period(data.from, data.to),
    ...counts({
      prescriptions: data.prescriptions.length,
      dispensings: t.dispensings,
      overrides: t.overrides,
      j000: t.j000,
      deletions: t.deletions,
      refusals: t.duplicatesStopped + t.otherBlocks,
      refillsDue: t.refillsDue,
      refillsMissed: t.refillsMissed,
      incidents: t.incidents,
    }),
  };
  for (const w of t.byWeek) {
    yield { event: "total-week", event_label: "每週小計", ...period(w.from, w.to), ...counts(w) };
  }
  for (const p of t.byPatient) {
    yield {
      event: "total-patient",
      event_label: "病人小計",
      patient_name: neutralizeFormula(p.patient.name),
      national_id: p.patient.nationalId,
      ...period(data.from, data.to),
      ...counts(p),
    };
  }
  for (const p of t.byPharmacist) {
    yield {
      event: "total-pharmacist",
      event_label: "藥師小計",
      pharmacist: p.pharmacistId,
      ...period(data.from, data.to),
      ...counts(p),
    };
  }
}
