/**
 * `rxdesk report …`: reports. Each subcommand is one entry in SUBCOMMANDS below, so adding one (e.g. `refill-log`,
 * `slip`) is a small, self-contained addition.
 */
import { setFlagsFromString } from "node:v8";
import type { Command } from "commander";
import type { CheckReport } from "../../nhi/check-report/parse.js";
import { registerReportCommands } from "../../reports/cli.js";
import { MAX_CHECK_REPORT_BYTES, readBoundedFile } from "../read-input.js";

type Subcommand = (report: Command) => void;

/**
 * `report parse <file>`: NHI check-result report (檢核結果, Big5 or UTF-8) → JSON: `{ summary, records }`, each error
 * with its meaning, severity and advice. A report that cannot be read completely (a line not understood, cut off,
 * counts that disagree with the blocks, an empty, binary or XML file) exits 1 with every problem and its line.
 */
const parseCommand: Subcommand = (report) => {
  report
    .command("parse")
    .description("parse an NHI check-result report (檢核結果, Big5 or UTF-8) and print JSON; exit 1 if it is not one")
    .argument("<file>", `check-result report text file (at most ${MAX_CHECK_REPORT_BYTES / 1024 / 1024} MB)`)
    .option("--compact", "one JSON object per record, then one with the summary, instead of one pretty object")
    .action(async (file: string, opts: { compact?: boolean }) => {
      const bytes = readBoundedFile(file, MAX_CHECK_REPORT_BYTES);
      // Loaded here: the parser's Big5 decoder and NHI's code table are most of the bundled command otherwise.
      const [{ CheckReportRefusedError, readCheckReport }, { describeNhiCode }] = await Promise.all([
        import("../../nhi/check-report/parse.js"),
        import("../../nhi/error-codes.js"),
      ]);
      let parsed: CheckReport;
      try {
        parsed = readCheckReport(bytes);
      } catch (error) {
        if (!(error instanceof CheckReportRefusedError)) throw error;
        process.stderr.write(`${file}:\n${error.userMessage.zh}\n${error.userMessage.en}\n`);
        process.exit(1);
      }
      const records = parsed.entries.map((entry) => ({
        ...entry,
        errors: entry.errors.map((e) => {
          const d = describeNhiCode(e.code);
          return { ...e, severity: d.severity, message: d.message, advice: d.advice };
        }),
      }));
      const summary = { ...parsed.summary, blocks: records.length, rejected: records.filter((r) => r.rejected).length };
      if (opts.compact) {
        for (const r of records) process.stdout.write(`${JSON.stringify(r)}\n`);
        process.stdout.write(`${JSON.stringify({ summary })}\n`);
      } else process.stdout.write(`${JSON.stringify({ summary, records }, null, 2)}\n`);
    });
};

/**
 * A report is one process that subsets its fonts with HarfBuzz (WebAssembly) once and exits. V8 compiles the hot
 * HarfBuzz functions again with its optimizing compiler in the background, and Node waits for those compile jobs
 * before the process may exit: ~250 ms after a 3-page log was written, never used. Baseline (Liftoff) code only.
 * Read when a module is compiled, so setting it here, before any font is subset, is in time.
 */
function oneShotWasm(): void {
  setFlagsFromString("--liftoff-only");
}

/** `report refill-log` and `report slip` (src/reports/cli.ts). */
const reportsCommands: Subcommand = (report) => registerReportCommands(report);

const SUBCOMMANDS: Subcommand[] = [parseCommand, reportsCommands];

export function register(program: Command): void {
  oneShotWasm();
  const report = program.command("report").description("reports: NHI check results (檢核結果) and pharmacy reports");
  for (const add of SUBCOMMANDS) add(report);
}
