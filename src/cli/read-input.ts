/**
 * Reads an input file for a CLI command with a size bound: files larger than the command's documented limit are
 * refused before they are read (and pipes or devices are read only up to the limit), so a 200 MB file costs
 * milliseconds and no memory instead of minutes and gigabytes. Exits 2 with a zh-TW / English message otherwise.
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";

const MIB = 1024 * 1024;

/** `xml validate` / `xml build`: a day's upload of a busy pharmacy is a few MB; 10,000 records are about 15 MB. */
export const MAX_UPLOAD_XML_BYTES = 64 * MIB;
/** `report parse`: a 10,000-record check report is about 10 MB. */
export const MAX_CHECK_REPORT_BYTES = 64 * MIB;

function fail(zh: string, en: string): never {
  process.stderr.write(`${zh}／${en}\n`);
  process.exit(2);
}

function tooLarge(file: string, maxBytes: number): never {
  const mib = maxBytes / MIB;
  fail(`檔案 ${file} 超過 ${mib} MB 上限，未讀取`, `${file} is larger than the ${mib} MB limit and was not read`);
}

/** The file's bytes, or exit 2 when it cannot be read or is larger than `maxBytes`. */
export function readBoundedFile(file: string, maxBytes: number): Buffer {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch (error) {
    fail(`無法讀取檔案 ${file}`, `cannot read ${file}: ${(error as Error).message}`);
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) fail(`${file} 是資料夾`, `${file} is a directory`);
    if (stat.size > maxBytes) tooLarge(file, maxBytes);
    // Pipes and devices report no size: read up to one byte past the limit.
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(MIB, maxBytes + 1 - total));
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(n === chunk.length ? chunk : chunk.subarray(0, n));
      total += n;
      if (total > maxBytes) tooLarge(file, maxBytes);
    }
    return Buffer.concat(chunks, total);
  } catch (error) {
    fail(`無法讀取檔案 ${file}`, `cannot read ${file}: ${(error as Error).message}`);
  } finally {
    closeSync(fd);
  }
}
