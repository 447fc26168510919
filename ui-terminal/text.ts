/**
 * Terminal column arithmetic (East Asian Wide and Fullwidth characters take two columns, combining marks none) by
 * `string-width`, the measure ink itself lays out with, so our padding and ink's wrapping agree.
 */
import cliTruncate from "cli-truncate";
import stringWidth from "string-width";
import { formatRocDate, formatRocDateTime, type RocDate, type RocDateTime } from "../src/domain/roc-date.js";

export function columns(text: string): number {
  return stringWidth(text);
}

/**
 * Cuts `text` to at most `width` columns, ending with … when cut. Only for what may be cut (table cells, a long
 * input line); what a pharmacist must read is wrapped instead.
 */
export function truncate(text: string, width: number): string {
  if (width <= 0) return "";
  return columns(text) <= width ? text : cliTruncate(text, width);
}

/** The last `width` columns of `text` (…-led when cut): a long input line keeps its end, where the cursor is. */
export function keepEnd(text: string, width: number): string {
  if (width <= 0) return "";
  return columns(text) <= width ? text : cliTruncate(text, width, { position: "start" });
}

/** Pads (or cuts) to exactly `width` columns. */
export function padTo(text: string, width: number): string {
  const cut = truncate(text, width);
  return cut + " ".repeat(Math.max(0, width - columns(cut)));
}

export function rocDate(value: string | undefined): string {
  return value && /^\d{7}$/.test(value) ? formatRocDate(value as RocDate) : (value ?? "");
}

export function rocDateTime(value: string | undefined, seconds = false): string {
  if (!value || !/^\d{13}$/.test(value)) return value ?? "";
  const s = formatRocDateTime(value as RocDateTime);
  return seconds ? s : s.slice(0, -3);
}

/** An ISO instant shown as a Taiwan-local ROC date-time (113/03/21 14:02). */
export function isoToRoc(iso: string | undefined): string {
  if (!iso) return "";
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return iso;
  const local = new Date(t.getTime() + 8 * 3600_000);
  const y = local.getUTCFullYear() - 1911;
  const p = (n: number) => String(n).padStart(2, "0");
  return `${String(y).padStart(3, "0")}/${p(local.getUTCMonth() + 1)}/${p(local.getUTCDate())} ${p(local.getUTCHours())}:${p(local.getUTCMinutes())}`;
}

/** `5400000` → `1h30m`; under a minute → `<1m`. */
export function formatAge(ms: number): string {
  if (ms < 60_000) return "<1m";
  const minutes = Math.floor(ms / 60_000);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return h > 0 ? `${h}h${String(m).padStart(2, "0")}m` : `${m}m`;
}

/** `A123456789` → `A12345****` for lists others may glance at. */
export function maskId(id: string | undefined): string {
  if (!id) return "";
  return id.length > 6 ? `${id.slice(0, 6)}${"*".repeat(id.length - 6)}` : id;
}
