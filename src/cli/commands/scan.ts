/**
 * `rxdesk scan <image…>`: decodes the visit IDs (Code 128 / Code 39 / QR) and virtual NHI card QR codes on photos or
 * scans of prescriptions. One JSON line per image (or a readable summary with --pretty); exits 1 when an image gives
 * nothing usable (no code, not a visit ID, a conflict, an unreadable file).
 */
import { readFile, stat } from "node:fs/promises";
import type { Command } from "commander";
import { type Locale, localize, msg } from "../../domain/message.js";
import { DEFAULT_MAX_BYTES, decodeImage, fileTooLarge } from "../../scan/decode.js";
import { ScanError } from "../../scan/errors.js";
import { formatScanSummary } from "../../scan/summary.js";

interface ScanCommandOptions {
  pretty?: boolean;
  lang?: string;
  text?: string;
  maxBytes?: string;
}

export function register(program: Command): void {
  program
    .command("scan")
    .description("decode visit ID barcodes / QR codes and virtual NHI card QR codes on prescription images (PNG/JPEG)")
    .argument("<image...>", "image files")
    .option("--pretty", "readable summary instead of JSON lines")
    .option("--lang <locale>", "zh-TW or en (for --pretty and error messages)", "zh-TW")
    .option("--text <visitId>", "the visit ID as typed at the counter, compared with the codes in the image")
    .option("--max-bytes <n>", `largest accepted file in bytes (default ${DEFAULT_MAX_BYTES})`)
    .action(async (files: string[], options: ScanCommandOptions) => {
      const locale: Locale = options.lang === "en" ? "en" : "zh-TW";
      const maxBytes = options.maxBytes ? Number(options.maxBytes) : DEFAULT_MAX_BYTES;
      if (!Number.isSafeInteger(maxBytes) || maxBytes <= 0) {
        program.error(`--max-bytes must be a positive whole number of bytes (got "${options.maxBytes}")`);
      }
      let failures = 0;
      for (const file of files) {
        const out = (value: unknown, pretty: string) =>
          process.stdout.write(`${options.pretty ? pretty : JSON.stringify(value)}\n`);
        try {
          const info = await stat(file);
          if (!info.isFile()) {
            throw new ScanError("not-an-image", msg(`「${file}」不是檔案`, `"${file}" is not a file`));
          }
          // Checked before reading the whole file into memory; decodeImage would refuse it too.
          if (info.size > maxBytes) throw fileTooLarge(info.size, maxBytes);
          const bytes = new Uint8Array(await readFile(file));
          const result = await decodeImage(bytes, {
            maxBytes,
            ...(options.text !== undefined ? { typedText: options.text } : {}),
          });
          if (!result.usable) failures++;
          out({ file, ...result }, formatScanSummary(file, result, locale));
        } catch (error) {
          failures++;
          let reason = msg("無法讀取檔案", "The file could not be read");
          let code = "read-failed";
          if (error instanceof ScanError) {
            reason = error.reason;
            code = error.code;
          } else if ((error as NodeJS.ErrnoException).code === "ENOENT") {
            reason = msg(`找不到檔案「${file}」`, `File not found: "${file}"`);
            code = "not-found";
          }
          out({ file, usable: false, error: { code, message: reason } }, `${file}\n  ! ${localize(reason, locale)}`);
        }
      }
      if (failures > 0) process.exitCode = 1;
    });
}
