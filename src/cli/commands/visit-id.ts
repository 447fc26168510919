import type { Command } from "commander";
import { describeCorrections, parseVisitId } from "../../domain/visit-id.js";

export function register(program: Command): void {
  const visitId = program.command("visit-id").description("visit ID 2.0 (就醫識別碼) tools");
  visitId
    .command("check")
    .description("validate and normalize visit IDs; prints one JSON object per input, exits 1 if any is invalid")
    .argument("<id...>", "visit IDs as scanned or typed (quote IDs with spaces)")
    .action((ids: string[]) => {
      let invalid = 0;
      for (const input of ids) {
        const result = parseVisitId(input);
        if (result.valid) {
          const out = {
            input,
            valid: true,
            normalized: result.visitId,
            kind: result.kind,
            meaning: result.meaning,
            corrections: result.corrections,
            reason: result.corrections.length > 0 ? describeCorrections(result.corrections) : null,
          };
          process.stdout.write(`${JSON.stringify(out)}\n`);
        } else {
          invalid++;
          const out = {
            input,
            valid: false,
            normalized: null,
            kind: null,
            position: result.position ?? null,
            character: result.character ?? null,
            reason: result.reason,
          };
          process.stdout.write(`${JSON.stringify(out)}\n`);
        }
      }
      if (invalid > 0) process.exitCode = 1;
    });
}
