/**
 * ROC (Minguo) dates as NHI uses them: year = Gregorian − 1911, written with 3 digits.
 * `RocDate` is `yyyMMdd`, `RocDateTime` is `yyyMMddHHmmss`; both are Taiwan local time (UTC+8, no DST).
 */
declare const rocDateBrand: unique symbol;
declare const rocDateTimeBrand: unique symbol;
export type RocDate = string & { readonly [rocDateBrand]: true };
export type RocDateTime = string & { readonly [rocDateTimeBrand]: true };

const TAIPEI_OFFSET_MS = 8 * 60 * 60 * 1000;
const DATE_RE = /^(\d{3})(\d{2})(\d{2})$/;
const DATE_TIME_RE = /^(\d{3})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/;

function pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}

function validCalendarDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= last;
}

export function isRocDate(value: string): value is RocDate {
  const m = DATE_RE.exec(value);
  if (!m) return false;
  const year = Number(m[1]) + 1911;
  return Number(m[1]) >= 1 && validCalendarDate(year, Number(m[2]), Number(m[3]));
}

export function isRocDateTime(value: string): value is RocDateTime {
  const m = DATE_TIME_RE.exec(value);
  if (!m) return false;
  if (!isRocDate(value.slice(0, 7))) return false;
  return Number(m[4]) <= 23 && Number(m[5]) <= 59 && Number(m[6]) <= 59;
}

export function parseRocDate(value: string): RocDate {
  if (!isRocDate(value)) throw new RangeError(`not a ROC date (yyyMMdd): ${JSON.stringify(value)}`);
  return value;
}

export function parseRocDateTime(value: string): RocDateTime {
  if (!isRocDateTime(value)) throw new RangeError(`not a ROC date-time (yyyMMddHHmmss): ${JSON.stringify(value)}`);
  return value;
}

/** `2024-03-21` → `1130321`. */
export function rocDateFromIso(iso: string): RocDate {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) throw new RangeError(`not an ISO date (YYYY-MM-DD): ${JSON.stringify(iso)}`);
  return parseRocDate(`${pad(Number(m[1]) - 1911, 3)}${m[2]}${m[3]}`);
}

/** `1130321` → `2024-03-21`. */
export function rocDateToIso(date: RocDate): string {
  return `${Number(date.slice(0, 3)) + 1911}-${date.slice(3, 5)}-${date.slice(5, 7)}`;
}

/** A JS Date (an instant) → its Taiwan-local ROC date-time. */
export function rocDateTimeFromDate(instant: Date): RocDateTime {
  const t = new Date(instant.getTime() + TAIPEI_OFFSET_MS);
  const year = t.getUTCFullYear() - 1911;
  if (year < 1 || year > 999) throw new RangeError(`date outside the ROC range: ${instant.toISOString()}`);
  return `${pad(year, 3)}${pad(t.getUTCMonth() + 1, 2)}${pad(t.getUTCDate(), 2)}${pad(t.getUTCHours(), 2)}${pad(
    t.getUTCMinutes(),
    2,
  )}${pad(t.getUTCSeconds(), 2)}` as RocDateTime;
}

export function rocDateFromDate(instant: Date): RocDate {
  return rocDateTimeFromDate(instant).slice(0, 7) as RocDate;
}

/** A Taiwan-local ROC date-time → the instant it names. */
export function dateFromRocDateTime(value: RocDateTime): Date {
  const m = DATE_TIME_RE.exec(value);
  if (!m) throw new RangeError(`not a ROC date-time: ${value}`);
  const utc = Date.UTC(Number(m[1]) + 1911, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  return new Date(utc - TAIPEI_OFFSET_MS);
}

/** Midnight (Taiwan) at the start of a ROC date. */
export function dateFromRocDate(value: RocDate): Date {
  return dateFromRocDateTime(`${value}000000` as RocDateTime);
}

/** ISO date-time with the +08:00 offset, e.g. `2024-03-20T13:39:12+08:00`. */
export function rocDateTimeToIso(value: RocDateTime): string {
  return `${rocDateToIso(value.slice(0, 7) as RocDate)}T${value.slice(7, 9)}:${value.slice(9, 11)}:${value.slice(11, 13)}+08:00`;
}

/** Parses an ISO date-time (any offset) into a ROC date-time in Taiwan time. */
export function rocDateTimeFromIso(iso: string): RocDateTime {
  const instant = new Date(iso);
  if (Number.isNaN(instant.getTime())) throw new RangeError(`not an ISO date-time: ${JSON.stringify(iso)}`);
  return rocDateTimeFromDate(instant);
}

/** `1130321` → `113/03/21`, the form people read. */
export function formatRocDate(date: RocDate): string {
  return `${date.slice(0, 3)}/${date.slice(3, 5)}/${date.slice(5, 7)}`;
}

/** `1130320133912` → `113/03/20 13:39:12`. */
export function formatRocDateTime(value: RocDateTime): string {
  return `${formatRocDate(value.slice(0, 7) as RocDate)} ${value.slice(7, 9)}:${value.slice(9, 11)}:${value.slice(11, 13)}`;
}

/** Accepts what a person types for a date: `113/03/21`, `1130321`, `2024-03-21`. */
export function parseHumanDate(input: string): RocDate {
  const s = input.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) return rocDateFromIso(s);
  const slashed = /^(\d{2,3})[/.-](\d{1,2})[/.-](\d{1,2})$/.exec(s);
  if (slashed)
    return parseRocDate(`${pad(Number(slashed[1]), 3)}${pad(Number(slashed[2]), 2)}${pad(Number(slashed[3]), 2)}`);
  return parseRocDate(s);
}

/** Whole calendar days from `a` to `b` (b − a). */
export function daysBetween(a: RocDate, b: RocDate): number {
  return Math.round((dateFromRocDate(b).getTime() - dateFromRocDate(a).getTime()) / 86_400_000);
}

export function addDays(date: RocDate, days: number): RocDate {
  return rocDateFromDate(new Date(dateFromRocDate(date).getTime() + days * 86_400_000));
}
