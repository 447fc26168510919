/**
 * `rxdesk xml validate <file>`: the findings NHI's checks would produce, per record and field (exit 1 when any
 * record is invalid). `rxdesk xml build <record.json>`: a record (or an array of records) as Big5 upload XML.
 */
import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { type Locale, localize } from "../../domain/message.js";
import { describeNhiCode } from "../../nhi/error-codes.js";
import { type UploadRecord, uploadRecordProblems } from "../../nhi/format/record.js";
import { invalidRecordNos, validateDocument, validateRecord } from "../../nhi/format/validate.js";
import { Big5EncodingError, buildUploadXml } from "../../nhi/format/xml.js";
import { MAX_UPLOAD_XML_BYTES, readBoundedFile } from "../read-input.js";

function readInput(file: string): Buffer {
  return readBoundedFile(file, MAX_UPLOAD_XML_BYTES);
}

export function register(program: Command): void {
  const xml = program.command("xml").description("upload format 2.0 XML (健保卡資料上傳格式2.0): validate and build");

  xml
    .command("validate")
    .description("check an upload document the way NHI would; exits 1 when any record is invalid")
    .argument("<file>", `upload XML (Big5, at most ${MAX_UPLOAD_XML_BYTES / 1024 / 1024} MB)`)
    .option("--json", "print findings as JSON lines")
    .option("--pharmacy", "the uploader is a pharmacy: records must use M07=AF (AD23)")
    .option("--lang <locale>", "zh-TW or en (text output)", "zh-TW")
    .action((file: string, opts: { json?: boolean; pharmacy?: boolean; lang: string }) => {
      const locale: Locale = opts.lang === "en" ? "en" : "zh-TW";
      const { records, findings } = validateDocument(readInput(file), { pharmacy: opts.pharmacy });
      const invalid = invalidRecordNos(findings, records.length);
      if (opts.json) {
        for (const f of findings) {
          process.stdout.write(`${JSON.stringify({ ...f, advice: describeNhiCode(f.code).advice })}\n`);
        }
        process.stdout.write(
          `${JSON.stringify({ summary: { records: records.length, invalid: invalid.length, findings: findings.length } })}\n`,
        );
      } else {
        for (const f of findings) {
          const where = f.recordNo === 0 ? "檔案/file" : `#${f.recordNo}`;
          process.stdout.write(
            `${where}\t${f.field ?? "-"}\t${f.code}\t${f.message.zh}\t${f.message.en}${
              f.value !== undefined ? `\t${JSON.stringify(f.value)}` : ""
            }\n`,
          );
        }
        const summary =
          locale === "en"
            ? `${records.length} record(s), ${invalid.length} invalid, ${findings.length} finding(s)`
            : `共${records.length}筆，${invalid.length}筆有誤，${findings.length}項檢核結果`;
        process.stdout.write(`${summary}\n`);
      }
      if (invalid.length > 0 || (records.length === 0 && findings.length > 0)) process.exitCode = 1;
    });

  xml
    .command("build")
    .description("build Big5 upload XML from a record JSON file (one record or an array); validates first")
    .argument("<record.json>", "UploadRecord JSON: { h00, h01, mb1: { M01…M56 }, mb2: [{ D01…D15 }] }")
    .option("-o, --out <file>", "write the XML here instead of stdout")
    .option("--force", "build even when local validation finds problems")
    .action((file: string, opts: { out?: string; force?: boolean }) => {
      let json: unknown;
      try {
        json = JSON.parse(readInput(file).toString("utf8"));
      } catch (error) {
        process.stderr.write(`JSON格式錯誤／invalid JSON in ${file}: ${(error as Error).message}\n`);
        process.exit(2);
      }
      const list = Array.isArray(json) ? json : [json];
      const problems = list.flatMap((r, i) => uploadRecordProblems(r, `record ${i + 1}`));
      if (problems.length > 0) {
        process.stderr.write(`紀錄格式不符／not an upload record:\n${problems.map((p) => `  ${p}\n`).join("")}`);
        process.exit(2);
      }
      const records = list as UploadRecord[];
      const findings = records.flatMap((r, i) => validateRecord(r, i + 1));
      if (findings.length > 0) {
        for (const f of findings) {
          process.stderr.write(`#${f.recordNo}\t${f.field ?? "-"}\t${f.code}\t${f.message.zh}\t${f.message.en}\n`);
        }
        if (!opts.force) {
          process.stderr.write(
            "紀錄未通過檢核，未產生XML（可加 --force）／validation failed, no XML written (use --force)\n",
          );
          process.exit(1);
        }
      }
      let bytes: Uint8Array;
      try {
        bytes = buildUploadXml(records);
      } catch (error) {
        if (error instanceof Big5EncodingError) {
          process.stderr.write(`${localize(error.userMessage, "zh-TW")}\n${localize(error.userMessage, "en")}\n`);
          process.exit(1);
        }
        throw error;
      }
      if (opts.out) writeFileSync(opts.out, bytes);
      else process.stdout.write(bytes);
    });
}
