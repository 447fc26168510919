/**
 * `rxdesk ui`: the keyboard-driven counter terminal (ink). `npm start` runs it on the embedded default. The UI code
 * is imported only when the command runs, so other commands start as fast as before.
 */
import type { Command } from "commander";
import type { Locale } from "../../domain/message.js";
import { checkNationalId } from "../../domain/national-id.js";

/** Demo pharmacist (M06) when none is configured: a valid, obviously fictitious national ID. */

export function register(program: Command): void {
  program
    .command("ui")
    .description("keyboard-driven counter terminal (調劑櫃台畫面)")
    .option("--data-dir <dir>", "data folder (SQLite file, sandbox, slips, exports; default RXDESK_DATA_DIR or ./data)")
    .option("--lang <lang>", "zh-TW (default) or en")
    .option("--pharmacist <nationalId>", "pharmacist national ID (M06; default RXDESK_PHARMACIST_ID)")
    .option("--nhi-url <url>", "standalone NHI sandbox or endpoint instead of the in-process sandbox")
    .option("--no-demo", "do not seed the demo prescriptions on the first run")
    .option("--no-card", "do not look for a card reader")
    .option("--reader <name>", "use only this PC/SC card reader")
    .action(
      async (opts: {
        dataDir?: string;
        lang?: string;
        pharmacist?: string;
        nhiUrl?: string;
        demo: boolean;
        card: boolean;
        reader?: string;
      }) => {
        if (!process.stdin.isTTY || !process.stdout.isTTY) {
          process.stderr.write(
            "rxdesk ui 需要終端機（TTY），請在終端機中執行。\nrxdesk ui needs a terminal (TTY): run it in a terminal, not a pipe.\n",
          );
          process.exitCode = 2;
          return;
        }
        // Without --lang the UI decides from the configuration (zh-TW, or English on the Linux text console).
        let locale: Locale | undefined;
        if (opts.lang !== undefined) {
          const l = opts.lang.toLowerCase();
          if (l === "en" || l.startsWith("en-")) locale = "en";
          else if (l === "zh" || l === "zh-tw") locale = "zh-TW";
          else {
            process.stderr.write(`--lang 只接受 zh-TW 或 en / --lang must be zh-TW or en: ${opts.lang}\n`);
            process.exitCode = 2;
            return;
          }
        }
        // Without --pharmacist the UI takes RXDESK_PHARMACIST_ID (or the demo ID) from the configuration, which it
        // parses itself: its bundle already holds zod, loading it here would slow the first screen.
        const pharmacistId = opts.pharmacist?.trim().toUpperCase();
        if (pharmacistId !== undefined && !checkNationalId(pharmacistId).valid) {
          process.stderr.write(`藥師身分證號無效 / invalid pharmacist national ID: ${pharmacistId}\n`);
          process.exitCode = 2;
          return;
        }
        // Ink draws only the final frame when it believes it runs in CI (is-in-ci reads CI and
        // CONTINUOUS_INTEGRATION when ink loads). Here stdin and stdout are a terminal (checked above): someone is
        // at the keyboard, so the screen must update whatever CI says. A write for the library, not a setting.
        process.env.CI = "false";
        process.env.CONTINUOUS_INTEGRATION = "false";
        const { runUi } = await import("../../../ui-terminal/run.js");
        await runUi({
          dataDir: opts.dataDir,
          nhiUrl: opts.nhiUrl,
          locale,
          pharmacistId,
          demo: opts.demo,
          noCard: !opts.card,
          reader: opts.reader,
        });
      },
    );
}
