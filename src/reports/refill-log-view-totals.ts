/**
 * The log's breakdowns as tables a person reads (one locale): refills per week, per pharmacist, per patient. The
 * numbers are the builder's (`RefillLogTotals.byWeek/byPharmacist/byPatient`), the same the CSV and JSON carry.
 */
import { type Locale, type Message, msg } from "../domain/message.js";
import { formatRocDate } from "../domain/roc-date.js";
import { L, t } from "./labels.js";
import { formatPatient } from "./mask.js";
import type { RefillLogTotals } from "./model.js";

export interface BreakdownTableView {
  title: string;
  /** The first column names the row (left-aligned); the others are counts. */
  columns: string[];
  rows: string[][];
  /** Width of the first column in points (the counts share the rest). */
  firstWidth: number;
}

const B = {
  byWeek: msg("每週應領與逾期未領", "Refills due and missed per week"),
  byPharmacist: msg("藥師小計", "Per pharmacist"),
  byPatient: msg("病人小計", "Per patient"),
  week: msg("週（一至日）", "Week (Mon–Sun)"),
  pharmacistId: msg("藥師", "Pharmacist"),
  unknownPharmacist: msg("（未記錄）", "(not recorded)"),
  prescriptions: msg("處方", "Rx"),
  dispensings: msg("調劑", "Dispensed"),
  elsewhere: msg("他院調劑", "Elsewhere"),
  overrides: msg("例外放行", "Overrides"),
  j000: msg("J000", "J000"),
  deletions: msg("刪除", "Deleted"),
  corrections: msg("更正", "Corrected"),
  refusals: msg("拒絕", "Refused"),
  due: msg("應領", "Due"),
  missed: msg("逾期未領", "Missed"),
  incidents: msg("異常", "Incidents"),
} satisfies Record<string, Message>;

const n = (value: number) => String(value);

export function breakdownViews(totals: RefillLogTotals, locale: Locale): BreakdownTableView[] {
  const h = (m: Message) => t(m, locale);
  return [
    {
      title: h(B.byWeek),
      columns: [h(B.week), h(B.dispensings), h(B.due), h(B.missed)],
      rows: totals.byWeek.map((w) => [
        `${formatRocDate(w.from)} – ${formatRocDate(w.to)}`,
        n(w.dispensings),
        n(w.refillsDue),
        n(w.refillsMissed),
      ]),
      firstWidth: 160,
    },
    {
      title: h(B.byPharmacist),
      columns: [B.pharmacistId, B.dispensings, B.overrides, B.j000, B.deletions, B.corrections, B.refusals].map(h),
      rows: totals.byPharmacist.map((p) => [
        p.pharmacistId || h(B.unknownPharmacist),
        n(p.dispensings),
        n(p.overrides),
        n(p.j000),
        n(p.deletions),
        n(p.corrections),
        n(p.refusals),
      ]),
      firstWidth: 160,
    },
    {
      title: h(B.byPatient),
      columns: [
        L.patient,
        B.prescriptions,
        B.dispensings,
        B.elsewhere,
        B.overrides,
        B.j000,
        B.deletions,
        B.refusals,
        B.due,
        B.missed,
        B.incidents,
      ].map(h),
      rows: totals.byPatient.map((p) => [
        formatPatient(p.patient) || "—",
        n(p.prescriptions),
        n(p.dispensings),
        n(p.dispensedElsewhere),
        n(p.overrides),
        n(p.j000),
        n(p.deletions),
        n(p.refusals),
        n(p.refillsDue),
        n(p.refillsMissed),
        n(p.incidents),
      ]),
      firstWidth: 123,
    },
  ];
}
