/**
 * `rxdesk report …`: reports. Each subcommand is one entry in SUBCOMMANDS below, so adding one (e.g. `refill-log`,
 * `slip`) is a small, self-contained addition.
 */
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { parseCheckReport } from "../../nhi/check-report/parse.js";
import { describeNhiCode } from "../../nhi/error-codes.js";
import { registerReportCommands } from "../../reports/cli.js";

type Subcommand = (report: Command) => void;

/** `report parse <file>`: NHI check-result report (檢核結果, Big5 or UTF-8) → JSON. */
const parseCommand: Subcommand = (report) => {
  report
    .command("parse")
    .description("parse an NHI check-result report (檢核結果, Big5 or UTF-8) and print JSON")
    .argument("<file>", "check-result report text file")
    .option("--compact", "one JSON object per record instead of a pretty array")
    .action((file: string, opts: { compact?: boolean }) => {
      let bytes: Buffer;
      try {
        bytes = readFileSync(file);
      } catch (error) {
        process.stderr.write(`無法讀取檔案 ${file}／cannot read ${file}: ${(error as Error).message}\n`);
        process.exit(2);
      }
      const entries = parseCheckReport(bytes).map((entry) => ({
        ...entry,
        errors: entry.errors.map((e) => {
          const d = describeNhiCode(e.code);
          return { ...e, message: d.message, advice: d.advice };
        }),
      }));
      if (opts.compact) for (const e of entries) process.stdout.write(`${JSON.stringify(e)}\n`);
      else process.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
    });
};

/** `report refill-log` and `report slip` (src/reports/cli.ts). */
const reportsCommands: Subcommand = (report) => registerReportCommands(report);

const SUBCOMMANDS: Subcommand[] = [parseCommand, reportsCommands];

export function register(program: Command): void {
  const report = program.command("report").description("reports: NHI check results (檢核結果) and pharmacy reports");
  for (const add of SUBCOMMANDS) add(report);
}
