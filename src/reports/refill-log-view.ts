/**
 * Turns refill log data into the strings a person reads (one locale), shared by the PDF renderer. Keeping this
 * separate from drawing lets the renderer know every character before it subsets the font.
 */
import type { Locale } from "../domain/message.js";
import { formatRocDate, formatRocDateTime, type RocDate } from "../domain/roc-date.js";
import { formatVisitIdGrouped } from "../domain/visit-id.js";
import {
  ENTRY_KIND_LABELS,
  entryKindLabel,
  L,
  MASK_LABELS,
  REFILL_STATE_LABELS,
  t,
  UPLOAD_STATE_LABELS,
} from "./labels.js";
import { formatPatient } from "./mask.js";
import type { LogEntry, LogPrescription, RefillLogData, RefillSummary } from "./model.js";
import { type BreakdownTableView, breakdownViews } from "./refill-log-view-totals.js";

export type Tone = "normal" | "alert" | "good" | "muted";

export interface StatCard {
  label: string;
  value: string;
  note?: string;
  tone: Tone;
  /** Columns the card spans on the totals grid (the 24-hour card carries a longer note). */
  span?: 1 | 2;
}

export interface EventRowView {
  time: string;
  refillNo: string;
  event: string;
  where: string;
  days: string;
  detail: string;
  upload: string;
  tone: Tone;
}

/** One prescription's block on the rendered log (not the service's `PrescriptionView`). */
export interface PrescriptionBlockView {
  title: string;
  patient: string;
  subtitle: string;
  refills: string;
  continued: string;
  rows: EventRowView[];
}

export interface RefillLogView {
  title: string;
  headerLines: string[];
  runningHeader: string;
  footerLeft: string;
  /** Page label with `{n}` and `{total}` still to fill. */
  pageLabelTemplate: string;
  totalsTitle: string;
  cards: StatCard[];
  /** Column headings, one per event-row field. */
  columns: Omit<EventRowView, "tone">;
  prescriptionsTitle: string;
  empty: string;
  prescriptions: PrescriptionBlockView[];
  /** Per week, per pharmacist, per patient. */
  breakdowns: BreakdownTableView[];
}

function range(from: RocDate, to: RocDate): string {
  return `${formatRocDate(from)} – ${formatRocDate(to)}`;
}

function percent(share: number): string {
  return `${(Math.floor(share * 1000) / 10).toFixed(1)} %`;
}

/** Another institution as printed: its name and code, or what is known of it. */
function institution(
  at: { institutionCode?: string; institutionName?: string },
  locale: Locale,
  separator = " ",
): string {
  const known = [at.institutionName, at.institutionCode].filter(Boolean).join(separator);
  return known || t(L.elsewhere, locale);
}

function refillSummary(r: RefillSummary, locale: Locale): string {
  const parts = [t(L.refillNoLong, locale, { n: r.refillNo }), t(REFILL_STATE_LABELS[r.state], locale)];
  if (r.state === "dispensed" && r.dispensedAt) {
    parts.push(formatRocDate(r.dispensedAt.slice(0, 7) as RocDate));
    parts.push(r.elsewhere ? institution(r, locale) : t(L.here, locale));
  } else if (r.window && (r.state === "due" || r.state === "missed" || r.state === "undispensed")) {
    parts.push(range(r.window.from, r.window.to));
  }
  if (r.restored) parts.push(t(ENTRY_KIND_LABELS.restored, locale));
  return parts.join(" ");
}

function entryRow(e: LogEntry, locale: Locale): EventRowView {
  const when = formatRocDateTime(e.at);
  const where: string[] = [];
  if (e.kind !== "due" && e.kind !== "missed") {
    where.push(e.elsewhere ? institution(e, locale, "\n") : t(L.here, locale));
  }
  // The builder has masked the ID already unless the owner asked for it in full.
  const ph = e.pharmacistId;
  if (ph) where.push(`${t(L.pharmacist, locale)} ${ph}`);
  const message = locale === "en" ? e.message.en : e.message.zh;
  const detail: string[] = [];
  // Rule codes (`before-window,…`) and field:code lists are for machines and the CSV; the message says it in words.
  // Reasons people typed (override, J000, delete) are always shown.
  const machineCode = (reason: string) =>
    (e.kind === "blocked" || e.kind === "finding" || e.kind === "incident") &&
    /^[\w\-:;,[\]]+$/.test(reason) &&
    message !== "";
  for (const reason of e.reasons) if (!machineCode(reason) && !message.includes(reason)) detail.push(reason);
  if (message) detail.push(message);
  if (e.window) detail.push(`${t(L.window, locale)} ${range(e.window.from, e.window.to)}`);
  const codes = [...e.nhiCodes];
  const upload: string[] = [];
  if (e.upload) {
    let state = t(UPLOAD_STATE_LABELS[e.upload.state], locale);
    if (e.upload.within24h === false) state += locale === "en" ? " (> 24 h)" : "（逾24小時）";
    upload.push(state);
    for (const c of e.upload.codes) if (!codes.includes(c)) codes.push(c);
  }
  if (codes.length > 0) upload.push(codes.join(" "));
  const alert =
    e.kind === "incident" ||
    e.kind === "blocked" ||
    e.kind === "finding" ||
    e.kind === "missed" ||
    e.kind === "deleted" ||
    e.upload?.state === "rejected" ||
    e.upload?.within24h === false;
  return {
    time: `${when.slice(0, 9)}\n${when.slice(10, 15)}`,
    refillNo: e.refillNo !== undefined ? String(e.refillNo) : "",
    event: t(entryKindLabel(e), locale),
    where: where.join("\n"),
    days: e.days !== undefined ? String(e.days) : "",
    detail: detail.join("\n"),
    upload: upload.join("\n"),
    tone: alert ? "alert" : e.kind === "override" || e.kind === "j000" ? "muted" : "normal",
  };
}

function prescriptionView(p: LogPrescription, locale: Locale): PrescriptionBlockView {
  const subtitle = [
    `${t(L.prescriber, locale)} ${p.prescriberInstitutionCode}${p.prescriberName ? ` ${p.prescriberName}` : ""}`,
  ];
  if (p.originalVisitDateTime)
    subtitle.push(`${t(L.originalVisit, locale)} ${formatRocDateTime(p.originalVisitDateTime)}`);
  if (p.chronic)
    subtitle.push(
      `${t(L.refillPlan, locale)} ${t(L.times, locale, { count: p.refillCount, days: p.daysPerRefill ?? "?" })}`,
    );
  const title = `${t(L.originalVisitId, locale)} ${formatVisitIdGrouped(p.originalVisitId)}`;
  return {
    title,
    patient: `${t(L.patient, locale)} ${formatPatient(p.patient) || "—"}`,
    subtitle: subtitle.join(" · "),
    refills: p.refills.map((r) => refillSummary(r, locale)).join(" | "),
    continued: `${title} ${t(L.continued, locale)}`,
    rows: p.entries.map((e) => entryRow(e, locale)),
  };
}

export function refillLogView(data: RefillLogData, locale: Locale = "zh-TW"): RefillLogView {
  const tot = data.totals;
  const up = tot.uploads;
  const shareCard: StatCard =
    up.share === undefined
      ? {
          label: t(L.upload24h, locale),
          value: t(L.noData, locale),
          note: up.pendingInTime
            ? `${t(L.target, locale)} ${percent(up.target)} · ${t(L.pendingInTime, locale)} ${up.pendingInTime}`
            : undefined,
          tone: "muted",
          span: 2,
        }
      : {
          label: t(L.upload24h, locale),
          value: percent(up.share),
          note: `${up.within24h} / ${up.counted} · ${t(L.target, locale)} ${percent(up.target)} ${
            up.share >= up.target ? t(L.met, locale) : t(L.notMet, locale)
          }${up.pendingInTime ? ` · ${t(L.pendingInTime, locale)} ${up.pendingInTime}` : ""}${
            up.rejected ? ` · ${t(L.rejected, locale)} ${up.rejected}` : ""
          }`,
          tone: up.share >= up.target ? "good" : "alert",
          span: 2,
        };
  const generated = formatRocDateTime(data.generatedAt);
  // A full-width colon in Chinese, ": " in English.
  const colon = locale === "en" ? ": " : "：";
  const pharmacy = `${data.pharmacy.name} (${data.pharmacy.pharmacyCode})`;
  return {
    title: t(L.refillLogTitle, locale),
    headerLines: [
      `${t(L.pharmacy, locale)}${colon}${pharmacy}${data.pharmacy.phone ? ` · ${data.pharmacy.phone}` : ""}`,
      `${t(L.period, locale)}${colon}${range(data.from, data.to)} · ${t(L.patientMask, locale)}${colon}${t(
        MASK_LABELS[data.mask],
        locale,
      )} · ${t(L.generated, locale)}${colon}${generated}`,
    ],
    runningHeader: `${t(L.refillLogTitle, locale)} · ${pharmacy} · ${range(data.from, data.to)}`,
    footerLeft: `${t(L.generated, locale)} ${generated} · rxdesk`,
    pageLabelTemplate: locale === "en" ? L.page.en : L.page.zh,
    totalsTitle: t(L.totals, locale),
    cards: [
      {
        label: t(L.dispensings, locale),
        value: String(tot.dispensings),
        note: tot.deletions ? `${t(L.deletions, locale)} ${tot.deletions}` : undefined,
        tone: "normal",
      },
      { label: t(L.refillsDue, locale), value: String(tot.refillsDue), tone: "normal" },
      {
        label: t(L.refillsMissed, locale),
        value: String(tot.refillsMissed),
        tone: tot.refillsMissed ? "alert" : "normal",
      },
      { label: t(L.duplicatesStopped, locale), value: String(tot.duplicatesStopped), tone: "normal" },
      shareCard,
      {
        label: t(L.duplicatesFoundLater, locale),
        value: String(tot.duplicatesFoundLater),
        tone: tot.duplicatesFoundLater ? "alert" : "normal",
      },
      { label: t(L.otherBlocks, locale), value: String(tot.otherBlocks), tone: "normal" },
      { label: t(L.overrides, locale), value: String(tot.overrides), tone: tot.overrides ? "muted" : "normal" },
      { label: t(L.j000, locale), value: String(tot.j000), tone: "normal" },
      { label: t(L.cancelRestore, locale), value: `${tot.cancellations} / ${tot.restorations}`, tone: "normal" },
      {
        label: t(L.incidents, locale),
        value: String(tot.incidents),
        note: tot.incidentsAcknowledged ? `${t(L.acknowledged, locale)} ${tot.incidentsAcknowledged}` : undefined,
        tone: tot.incidents ? "alert" : "normal",
      },
    ],
    columns: {
      time: t(L.colTime, locale),
      refillNo: t(L.refillNo, locale),
      event: t(L.colEvent, locale),
      where: t(L.colWhere, locale),
      days: t(L.colDays, locale),
      detail: t(L.colDetail, locale),
      upload: t(L.colUpload, locale),
    },
    prescriptionsTitle: `${t(L.prescriptions, locale)} (${data.prescriptions.length})`,
    empty: t(L.noPrescriptions, locale),
    prescriptions: data.prescriptions.map((p) => prescriptionView(p, locale)),
    breakdowns: breakdownViews(tot, locale),
  };
}

/** Every string the view may draw, split by weight (for font subsetting). */
export function viewTexts(view: RefillLogView): { regular: string[]; bold: string[] } {
  const regular = [
    ...view.headerLines,
    view.runningHeader,
    view.footerLeft,
    view.pageLabelTemplate,
    view.empty,
    ...Object.values(view.columns),
  ];
  const bold = [view.title, view.totalsTitle, view.prescriptionsTitle];
  for (const c of view.cards) {
    regular.push(c.label, c.note ?? "");
    bold.push(c.value);
  }
  for (const b of view.breakdowns) {
    bold.push(b.title);
    regular.push(...b.columns);
    for (const row of b.rows) regular.push(...row);
  }
  for (const p of view.prescriptions) {
    bold.push(p.title, p.continued);
    regular.push(p.patient, p.subtitle, p.refills);
    for (const r of p.rows) {
      regular.push(r.time, r.refillNo, r.where, r.days, r.detail, r.upload);
      (r.tone === "alert" ? bold : regular).push(r.event);
    }
  }
  return { regular, bold };
}
