import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PDFDocument } from "pdf-lib";
import { describe, expect, it } from "vitest";
import { PdfDocument, PdfText, pdfNumber, serialize } from "./document.js";
import { A4, PdfWriter } from "./writer.js";

describe("the PDF file", () => {
  it("is read by two independent readers: pages, info, text (poppler) and the object stream (pdf-lib)", async () => {
    const w = await PdfWriter.create({
      pageSize: A4,
      margins: { top: 40, right: 40, bottom: 40, left: 40 },
      texts: ["第一頁 page one", "第二頁 page two"],
      boldTexts: ["標題"],
      title: "慢性病連續處方箋調劑紀錄 (test)",
      subject: "rxdesk 示範藥局",
      creationDate: new Date("2025-12-07T01:02:03Z"),
    });
    w.newPage();
    w.paragraph("標題", { size: 16, bold: true });
    w.paragraph("第一頁 page one", { size: 10 });
    w.newPage();
    w.paragraph("第二頁 page two", { size: 10 });
    const bytes = await w.save();

    const loaded = await PDFDocument.load(bytes);
    expect(loaded.getPageCount()).toBe(2);
    expect(loaded.getTitle()).toBe("慢性病連續處方箋調劑紀錄 (test)");
    expect(loaded.getSubject()).toBe("rxdesk 示範藥局");
    expect(loaded.getCreationDate()?.toISOString()).toBe("2025-12-07T01:02:03.000Z");
    expect(loaded.getPage(1).getSize()).toEqual({ width: A4[0], height: A4[1] });

    const dir = mkdtempSync(join(tmpdir(), "rxdesk-pdf-"));
    try {
      writeFileSync(join(dir, "doc.pdf"), bytes);
      const info = execFileSync("pdfinfo", [join(dir, "doc.pdf")], { encoding: "utf8" });
      expect(info).toMatch(/Pages:\s+2/);
      const text = execFileSync("pdftotext", ["-layout", join(dir, "doc.pdf"), "-"], { encoding: "utf8" });
      expect(text.split("\f").map((page) => page.replace(/\s+/g, " ").trim())).toEqual([
        "標題 第一頁 page one",
        "第二頁 page two",
        "",
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("writes names, numbers and text strings as PDF syntax", () => {
    expect(serialize({ Type: "Font", Name: "A B/C", W: [0, [500, 0.5]], On: true })).toBe(
      "<</Type /Font/Name /A#20B#2fC/W [0 [500 0.5]]/On true>>",
    );
    expect(serialize(new PdfText("Adobe (x)"))).toBe("(Adobe \\(x\\))");
    expect(serialize(new PdfText("藥"))).toBe("<FEFF85E5>");
    expect([pdfNumber(595.28), pdfNumber(1e-7), pdfNumber(-2.5), pdfNumber(12)]).toEqual(["595.28", "0", "-2.5", "12"]);
    expect(() => pdfNumber(Number.NaN)).toThrow();
  });

  it("numbers objects from 1 and refers to them as n 0 R", () => {
    const doc = new PdfDocument({ title: "t", creationDate: new Date(0) });
    expect(String(doc.register({ A: 1 }))).toBe("1 0 R");
    expect(String(doc.stream("q Q"))).toBe("2 0 R");
  });
});
