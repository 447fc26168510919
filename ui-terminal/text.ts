/** Terminal column arithmetic: CJK and full-width characters take two columns. */
import { formatRocDate, formatRocDateTime, type RocDate, type RocDateTime } from "../src/domain/roc-date.js";

function isWide(code: number): boolean {
  return (
    (code >= 0x1100 && code <= 0x115f) ||
    (code >= 0x2e80 && code <= 0x303e) ||
    (code >= 0x3041 && code <= 0x33ff) ||
    (code >= 0x3400 && code <= 0x4dbf) ||
    (code >= 0x4e00 && code <= 0x9fff) ||
    (code >= 0xa000 && code <= 0xa4cf) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6) ||
    (code >= 0x20000 && code <= 0x3fffd)
  );
}

export function columns(text: string): number {
  let n = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code < 0x20 || (code >= 0x300 && code <= 0x36f)) continue;
    n += isWide(code) ? 2 : 1;
  }
  return n;
}

/** Cuts `text` to at most `width` columns, ending with … when cut. */
export function truncate(text: string, width: number): string {
  if (columns(text) <= width) return text;
  let out = "";
  let n = 0;
  for (const ch of text) {
    const w = columns(ch);
    if (n + w > width - 1) break;
    out += ch;
    n += w;
  }
  return `${out}…`;
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
