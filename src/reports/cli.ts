/**
 * `rxdesk report refill-log` and `rxdesk report slip`: registered on the `report` command by
 * `src/cli/commands/report.ts`. The data comes from the report-only start (./report-source.ts) unless a test
 * injects a source. Pharmacy name/code come from the service's configuration (RXDESK_PHARMACY_NAME / _CODE or
 * --pharmacy-name / --pharmacy-code); the phone printed on slips from --pharmacy-phone or RXDESK_PHARMACY_PHONE.
 */
import { renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { type Command, Option } from "commander";
import { rxdeskConfig } from "../config.js";
import type { Locale, Message } from "../domain/message.js";
import { checkNationalId } from "../domain/national-id.js";
import { formatRocDate, parseHumanDate, type RocDate } from "../domain/roc-date.js";
import { ReportError } from "./errors.js";
import { PATIENT_MASKS } from "./mask.js";
import type { PatientMask, PharmacyInfo, ProgressListener, RefillLogData, ReportProgress, SlipSize } from "./model.js";
import { buildRefillLogData, type RefillLogFilter, type RefillLogSource } from "./refill-log-data.js";
import type { SlipSource } from "./slip-data.js";

export interface ReportContext {
  service: RefillLogSource & SlipSource;
  pharmacy: PharmacyInfo;
  close(): Promise<void>;
}

export interface ServiceOptions {
  dataDir?: string;
  db?: string;
  demo?: boolean;
  pharmacyName?: string;
  pharmacyCode?: string;
  pharmacyPhone?: string;
}

export interface ReportCliDeps {
  open?: (options: ServiceOptions) => Promise<ReportContext>;
  stdout?: NodeJS.WritableStream & { isTTY?: boolean };
  stderr?: NodeJS.WritableStream & { isTTY?: boolean };
  now?: () => Date;
}

/** A failure the person at the keyboard can fix; printed in both languages, exit code 2. */
export class ReportCliError extends Error {
  constructor(readonly reason: Message) {
    super(`${reason.zh} / ${reason.en}`);
  }
}

/**
 * Opens the database for reading reports: the report-only start (./report-source.ts), no NHI sandbox, outbox or
 * card. `--demo` changes nothing here: the demo set lives in the sandbox, reports read our own tables.
 *
 * This module imports the database, the renderers and the slip code only when an action needs them: the bundled
 * report command (scripts/bundle-report.mjs) then parses and runs only what the chosen report uses.
 */
export async function openRxdesk(options: ServiceOptions): Promise<ReportContext> {
  const { openReportSource } = await import("./report-source.js");
  const pharmacy: Partial<PharmacyInfo> = {};
  if (options.pharmacyName) pharmacy.name = options.pharmacyName;
  if (options.pharmacyCode) pharmacy.pharmacyCode = options.pharmacyCode;
  const opened = await openReportSource({ dataDir: options.dataDir, dbFile: options.db, pharmacy });
  return {
    service: opened.source,
    pharmacy: {
      name: opened.pharmacy.name ?? opened.pharmacy.pharmacyCode,
      pharmacyCode: opened.pharmacy.pharmacyCode,
      phone: options.pharmacyPhone ?? rxdeskConfig().pharmacy.phone,
      address: rxdeskConfig().pharmacy.address,
    },
    close: () => opened.close(),
  };
}

function parseDateOption(value: string, which: Message): RocDate {
  try {
    return parseHumanDate(value);
  } catch {
    throw new ReportCliError({
      zh: `${which.zh}日期格式錯誤：「${value}」（可用 113/03/21、1130321 或 2024-03-21）`,
      en: `Bad ${which.en} date "${value}" (use 113/03/21, 1130321 or 2024-03-21)`,
    });
  }
}

/**
 * Writes next to the target and renames, so a failed run never leaves half a report behind. Synchronously: the
 * command has nothing else to do meanwhile, and each asynchronous step (open, write, close, rename) is a round
 * trip through the thread pool that a busy machine delayed by up to ~200 ms in all.
 */
async function writeAtomically(file: string, bytes: Uint8Array | string): Promise<void> {
  const tmp = join(dirname(file), `.${Date.now()}-${process.pid}.rxdesk-report.tmp`);
  try {
    writeFileSync(tmp, bytes);
    renameSync(tmp, file);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw new ReportCliError({
      zh: `無法寫入 ${file}：${(error as Error).message}`,
      en: `Cannot write ${file}: ${(error as Error).message}`,
    });
  }
}

const PHASES: Record<ReportProgress["phase"], Message> = {
  events: { zh: "讀取事件", en: "events" },
  dispensings: { zh: "讀取調劑紀錄", en: "dispensings" },
  prescriptions: { zh: "讀取處方", en: "prescriptions" },
  render: { zh: "排版", en: "layout" },
};

function progressPrinter(stderr: NodeJS.WritableStream & { isTTY?: boolean }, locale: Locale) {
  let open = false;
  const listener = (p: ReportProgress) => {
    const label = locale === "en" ? PHASES[p.phase].en : PHASES[p.phase].zh;
    if (stderr.isTTY) {
      stderr.write(`\r\x1b[2K${label} ${p.done}/${p.total}`);
      open = true;
    } else if (p.done === p.total) {
      stderr.write(`${label} ${p.done}/${p.total}\n`);
    }
  };
  const end = () => {
    if (open) stderr.write("\n");
    open = false;
  };
  return { listener, end };
}

/** The patient filters: part of a name, and a national ID checked before anything is opened. */
function patientFilter(opts: { patient?: string; nationalId?: string }): RefillLogFilter {
  const filter: RefillLogFilter = {};
  if (opts.patient?.trim()) filter.patientName = opts.patient.trim();
  if (opts.nationalId !== undefined) {
    const checked = checkNationalId(opts.nationalId);
    if (!checked.valid) {
      throw new ReportCliError({
        zh: `--national-id：${checked.reason.zh}`,
        en: `--national-id: ${checked.reason.en}`,
      });
    }
    filter.nationalId = checked.nationalId;
  }
  return filter;
}

function serviceOptions(cmd: Command): Command {
  return cmd
    .option("--data-dir <dir>", "rxdesk data folder (default: the service's)")
    .option("--db <file>", "SQLite database file")
    .option("--demo", "use the demo data set")
    .option("--pharmacy-name <name>", "pharmacy name printed on reports")
    .option("--pharmacy-code <code>", "pharmacy institution code (M05)")
    .option("--pharmacy-phone <phone>", "pharmacy phone printed on slips");
}

type Render = (data: RefillLogData, onProgress: ProgressListener) => Promise<string | Uint8Array>;

/** The renderer of one format, loaded on its own: a CSV never loads pdf-lib or the fonts. */
async function loadRenderer(format: "pdf" | "csv", locale: Locale): Promise<Render> {
  if (format === "csv") {
    const { renderRefillLogCsv } = await import("./refill-log-csv.js");
    return async (data) => renderRefillLogCsv(data);
  }
  const { renderRefillLogPdf } = await import("./refill-log-pdf.js");
  return (data, onProgress) => renderRefillLogPdf(data, { locale, onProgress });
}

function localeOf(lang: string | undefined): Locale {
  return lang === "en" ? "en" : "zh-TW";
}

export function registerReportCommands(report: Command, deps: ReportCliDeps = {}): void {
  const open = deps.open ?? openRxdesk;
  const stdout = deps.stdout ?? process.stdout;
  const stderr = deps.stderr ?? process.stderr;
  const now = deps.now ?? (() => new Date());

  const run = async (locale: Locale, body: () => Promise<void>) => {
    try {
      await body();
    } catch (error) {
      const reason = error instanceof ReportCliError || error instanceof ReportError ? error.reason : undefined;
      if (!reason) throw error;
      stderr.write(`${locale === "en" ? `Error: ${reason.en}` : `錯誤：${reason.zh}\nError: ${reason.en}`}\n`);
      process.exitCode = 2;
    }
  };

  serviceOptions(
    report
      .command("refill-log")
      .description("chronic refill log (慢箋調劑紀錄) for a date range, as PDF or CSV; to stdout without --out")
      .requiredOption("--from <date>", "first day (113/03/01, 1130301 or 2024-03-01)")
      .requiredOption("--to <date>", "last day (inclusive)")
      .addOption(new Option("--format <format>", "output format").choices(["pdf", "csv"]).default("pdf"))
      .option("--out <file>", "write to this file instead of stdout")
      .addOption(
        new Option("--mask <mask>", "how patients appear: full, masked national ID, or initials")
          .choices([...PATIENT_MASKS])
          .default("masked"),
      )
      .addOption(new Option("--lang <lang>", "language of the PDF").choices(["zh", "zh-TW", "en"]).default("zh"))
      .option("--patient <name>", "only the prescriptions of patients whose name contains this")
      .option("--national-id <id>", "only the prescriptions of the patient with this national ID"),
  ).action(
    async (
      opts: ServiceOptions & {
        from: string;
        to: string;
        format: "pdf" | "csv";
        out?: string;
        mask: PatientMask;
        lang: string;
        patient?: string;
        nationalId?: string;
      },
    ) => {
      const locale = localeOf(opts.lang);
      await run(locale, async () => {
        const from = parseDateOption(opts.from, { zh: "開始", en: "--from" });
        const to = parseDateOption(opts.to, { zh: "結束", en: "--to" });
        const filter = patientFilter(opts);
        if (opts.format === "pdf" && !opts.out && stdout.isTTY) {
          throw new ReportCliError({
            zh: "PDF 不能直接輸出到終端機，請加上 --out 檔名",
            en: "Refusing to write a PDF to the terminal; use --out <file>",
          });
        }
        // Loaded while the database opens and answers.
        const renderer = loadRenderer(opts.format, locale);
        renderer.catch(() => undefined); // awaited below; a failed open must not leave it unhandled
        const ctx = await open(opts);
        const progress = progressPrinter(stderr, locale);
        try {
          const data = await buildRefillLogData(ctx.service, {
            from,
            to,
            pharmacy: ctx.pharmacy,
            mask: opts.mask,
            filter,
            now: now(),
            onProgress: progress.listener,
          });
          const output = await (await renderer)(data, progress.listener);
          progress.end();
          if (opts.out) {
            await writeAtomically(opts.out, output);
            const count = data.prescriptions.length;
            stderr.write(
              locale === "en"
                ? `Wrote ${opts.out}: ${count} prescriptions, ${data.totals.dispensings} dispensings\n`
                : `已輸出 ${opts.out}：${count} 張處方，調劑 ${data.totals.dispensings} 次\n`,
            );
          } else {
            stdout.write(output);
          }
        } finally {
          progress.end();
          await ctx.close();
        }
      });
    },
  );

  serviceOptions(
    report
      .command("slip")
      .description("refill reminder slip (回診領藥提醒單) for a dispensing: next refill window + visit ID QR")
      .argument("<dispensing-id>", "the dispensing's id")
      .requiredOption("--out <file>", "PDF file to write")
      .addOption(new Option("--size <size>", "paper").choices(["80mm", "a4"]).default("80mm"))
      .addOption(new Option("--mask <mask>", "how the patient appears").choices([...PATIENT_MASKS]).default("masked"))
      .addOption(new Option("--lang <lang>", "language").choices(["zh", "en"]).default("zh")),
  ).action(
    async (
      dispensingId: string,
      opts: ServiceOptions & { out: string; size: SlipSize; mask: PatientMask; lang: string },
    ) => {
      const locale = localeOf(opts.lang);
      await run(locale, async () => {
        const slipCode = Promise.all([import("./slip-data.js"), import("./slip-pdf.js")]);
        slipCode.catch(() => undefined); // awaited below; a failed open must not leave it unhandled
        const ctx = await open(opts);
        try {
          const [{ buildSlipData }, { renderSlipPdf }] = await slipCode;
          const data = await buildSlipData(ctx.service, {
            dispensingId,
            pharmacy: ctx.pharmacy,
            mask: opts.mask,
            now: now(),
          });
          const pdf = await renderSlipPdf(data, { size: opts.size, locale });
          await writeAtomically(opts.out, pdf);
          stderr.write(
            locale === "en"
              ? `Wrote ${opts.out}: refill ${data.nextRefillNo} due ${formatRocDate(data.window.from)}–${formatRocDate(data.window.to)}\n`
              : `已輸出 ${opts.out}：第 ${data.nextRefillNo} 次可領期間 ${formatRocDate(data.window.from)}–${formatRocDate(data.window.to)}\n`,
          );
        } finally {
          await ctx.close();
        }
      });
    },
  );
}
