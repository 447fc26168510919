/** `rxdesk audit verify`: checks the API audit trail's hash chain in the data folder's database. */
import type { Command } from "commander";
import { withApiStore } from "../../api/api-store.js";
import { verifyAudit } from "../../api/audit.js";
import { dataDirOf } from "../../config.js";
import { DATA_DIR_HELP } from "./keys.js";

export function register(program: Command): void {
  program
    .command("audit")
    .description("the API audit trail")
    .command("verify")
    .description("check the hash chain; exit 1 at the first broken entry")
    .option("--data-dir <dir>", DATA_DIR_HELP)
    .action(async (opts: { dataDir?: string }) => {
      const verdict = await withApiStore(dataDirOf(opts.dataDir), ({ audit }) => verifyAudit(audit.db));
      process.stdout.write(`${JSON.stringify(verdict)}\n`);
      if (!verdict.ok) {
        process.stderr.write(`稽核紀錄在第 ${verdict.seq} 筆斷裂 / audit chain broken at entry ${verdict.seq}\n`);
        process.exitCode = 1;
      }
    });
}
