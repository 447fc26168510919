import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { Command } from "commander";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { pdfInfo, pdfText } from "../../test/support/pdf-tools.js";
import { NOW, PHARMACY, RX1, smallMonthService } from "../../test/support/small-month.js";
import { type ReportContext, registerReportCommands } from "./cli.js";
import { parseCsv } from "./csv.js";

class Capture extends Writable {
  chunks: Buffer[] = [];
  isTTY = false;
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: () => void) {
    this.chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    cb();
  }
  get bytes() {
    return Buffer.concat(this.chunks);
  }
  get text() {
    return this.bytes.toString("utf8");
  }
}

let dir: string;
let opened: number;
let closed: number;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "rxdesk-report-cli-"));
  opened = 0;
  closed = 0;
  process.exitCode = undefined;
});
afterEach(async () => {
  process.exitCode = undefined;
  await rm(dir, { recursive: true, force: true });
});

async function rxdesk(...args: string[]) {
  const stdout = new Capture();
  const stderr = new Capture();
  const program = new Command("rxdesk").exitOverride();
  const report = program.command("report").exitOverride();
  registerReportCommands(report, {
    open: async (): Promise<ReportContext> => {
      opened++;
      const service = smallMonthService();
      return {
        service,
        pharmacy: PHARMACY,
        close: async () => {
          closed++;
        },
      };
    },
    stdout,
    stderr,
    now: () => NOW,
  });
  for (const c of report.commands) c.exitOverride();
  await program.parseAsync(["node", "rxdesk", "report", ...args]);
  const exitCode = process.exitCode ?? 0;
  process.exitCode = undefined;
  return { stdout, stderr, exitCode };
}

describe("rxdesk report refill-log", () => {
  it("writes CSV to stdout with ROC or ISO dates", async () => {
    for (const [from, to] of [
      ["113/03/01", "113/03/31"],
      ["2024-03-01", "1130331"],
    ]) {
      const { stdout, exitCode } = await rxdesk("refill-log", "--from", from!, "--to", to!, "--format", "csv");
      expect(exitCode).toBe(0);
      expect(stdout.bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
      const rows = parseCsv(stdout.text);
      expect(rows.length).toBe(1 + 14 + 11); // header, events, totals (period, 5 weeks, 4 patients, 1 pharmacist)
      expect(rows.some((r) => r.includes(RX1))).toBe(true);
    }
    expect(closed).toBe(opened);
  });

  it("writes a PDF to --out, with the owner's masking, and says what it wrote", async () => {
    const out = join(dir, "log.pdf");
    const { stderr, exitCode } = await rxdesk(
      "refill-log",
      "--from",
      "1130301",
      "--to",
      "1130331",
      "--out",
      out,
      "--mask",
      "full",
    );
    expect(exitCode).toBe(0);
    expect((await pdfInfo(await readFile(out))).pages).toBe(2);
    const text = await pdfText(await readFile(out), { layout: false });
    expect(text).toContain("王小明 A123456789");
    expect(stderr.text).toContain(`已輸出 ${out}：4 張處方，調劑 4 次`);
    // Progress went to stderr, not into the file.
    expect(stderr.text).toMatch(/讀取處方 4\/4/);
    expect(stderr.text).toMatch(/排版 4\/4/);
  });

  it("narrows the log to a patient by part of the name or by national ID", async () => {
    const patients = async (...filter: string[]) => {
      const args = ["refill-log", "--from", "1130301", "--to", "1130331", "--format", "csv", "--mask", "full"];
      const { stdout, exitCode } = await rxdesk(...args, ...filter);
      expect(exitCode).toBe(0);
      const rows = parseCsv(stdout.text).slice(1);
      return [...new Set(rows.map((r) => r[5]).filter(Boolean))].sort();
    };
    expect(await patients()).toEqual(["張家豪", "林志明", "王小明", "陳美玲"]);
    expect(await patients("--patient", "明")).toEqual(["林志明", "王小明"]);
    expect(await patients("--patient", "明", "--national-id", "a123456789")).toEqual(["王小明"]);
    const bad = await rxdesk("refill-log", "--from", "1130301", "--to", "1130331", "--national-id", "A123456780");
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr.text).toContain("--national-id：身分證號檢查碼錯誤");
    expect(bad.stderr.text).toContain("--national-id: National ID checksum does not match");
  });

  it("rejects a bad date in both languages without opening the service or writing anything", async () => {
    const out = join(dir, "bad.pdf");
    const { stderr, exitCode } = await rxdesk("refill-log", "--from", "113/02/30", "--to", "113/03/31", "--out", out);
    expect(exitCode).toBe(2);
    expect(stderr.text).toContain("錯誤：開始日期格式錯誤：「113/02/30」（可用 113/03/21、1130321 或 2024-03-21）");
    expect(stderr.text).toContain('Error: Bad --from date "113/02/30"');
    expect(opened).toBe(0);
    expect(existsSync(out)).toBe(false);
  });

  it("rejects a reversed range and leaves no file behind", async () => {
    const out = join(dir, "rev.csv");
    const { stderr, exitCode } = await rxdesk(
      "refill-log",
      "--from",
      "113/03/31",
      "--to",
      "113/03/01",
      "--format",
      "csv",
      "--out",
      out,
    );
    expect(exitCode).toBe(2);
    expect(stderr.text).toContain("開始日期晚於結束日期");
    expect(stderr.text).toContain("The start date is after the end date");
    expect(await readdir(dir)).toEqual([]);
    expect(closed).toBe(opened);
  });

  it("refuses to pour a PDF into a terminal", async () => {
    const stdoutTty = new Capture();
    stdoutTty.isTTY = true;
    const program = new Command("rxdesk").exitOverride();
    const stderr = new Capture();
    registerReportCommands(program.command("report"), {
      open: async () => {
        throw new Error("must not open");
      },
      stdout: stdoutTty,
      stderr,
    });
    await program.parseAsync(["node", "rxdesk", "report", "refill-log", "--from", "1130301", "--to", "1130331"]);
    expect(process.exitCode).toBe(2);
    expect(stderr.text).toContain("--out");
    expect(stdoutTty.bytes.length).toBe(0);
  });
});

describe("rxdesk report slip", () => {
  it("writes the 80 mm slip for a dispensing", async () => {
    const out = join(dir, "slip.pdf");
    const { exitCode, stderr } = await rxdesk("slip", "d1", "--out", out);
    expect(exitCode).toBe(0);
    expect(stderr.text).toContain("第 3 次可領期間 113/03/20–113/03/29");
    const text = (await pdfText(await readFile(out))).replace(/\s+/g, "");
    expect(text).toContain("下次領藥：第3次（共3次）");
  });

  it("writes the A4 slip, and explains in both languages when there is no slip to print", async () => {
    const out = join(dir, "none.pdf");
    const { exitCode, stderr } = await rxdesk("slip", "d2", "--size", "a4", "--out", out);
    expect(exitCode).toBe(0);
    expect(existsSync(out)).toBe(true);
    const missing = await rxdesk("slip", "nope", "--out", join(dir, "x.pdf"));
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr.text).toContain("找不到調劑紀錄 nope");
    expect(existsSync(join(dir, "x.pdf"))).toBe(false);
    expect(stderr.text).not.toContain("錯誤");
    const deleted = await rxdesk("slip", "d4", "--out", join(dir, "y.pdf"));
    expect(deleted.exitCode).toBe(2);
    expect(deleted.stderr.text).toContain(
      "錯誤：此筆調劑已刪除，不能列印提醒單\nError: This dispensing was deleted; no slip",
    );
    expect(existsSync(join(dir, "y.pdf"))).toBe(false);
  });
});
