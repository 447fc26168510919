import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { decodeImage } from "./decode.js";
import { ScanError } from "./errors.js";

const dir = join(import.meta.dirname, "..", "..", "fixtures", "scan");
const fixture = (name: string) => new Uint8Array(readFileSync(join(dir, name)));
const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as Record<
  string,
  {
    visitIds?: string[];
    virtualCardToken?: string;
    conflict?: boolean;
    fails?: string;
    corrected?: boolean;
    linearFormat?: string;
  }
>;

async function scanError(promise: Promise<unknown>): Promise<ScanError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ScanError);
    return error as ScanError;
  }
  throw new Error("expected a ScanError");
}

describe("decodeImage on the generated fixtures", () => {
  it("every fixture in the manifest gives what a person reads off it", async () => {
    expect(Object.keys(manifest).length).toBeGreaterThanOrEqual(18);
    for (const [file, expected] of Object.entries(manifest)) {
      const result = await decodeImage(fixture(file));
      const context = `${file}: ${JSON.stringify(result.problems.map((p) => p.message.en))}`;
      if (expected.visitIds) {
        expect(
          result.prescriptions.map((p) => p.visitId),
          context,
        ).toEqual(expected.visitIds);
        expect(result.usable, context).toBe(true);
        expect(result.visitId, context).toBe(expected.visitIds.length === 1 ? expected.visitIds[0] : undefined);
        if (expected.linearFormat) {
          const linear = result.prescriptions[0]!.sources.find((s) => s.form === "1d");
          expect(linear?.format, context).toBe(expected.linearFormat);
        }
      }
      if (expected.virtualCardToken) {
        expect(result.virtualCardToken, context).toBe(expected.virtualCardToken);
        expect(result.prescriptions, context).toEqual([]);
      }
      if (expected.conflict) {
        expect(result.visitId, context).toBeUndefined();
        expect(result.prescriptions, context).toHaveLength(1);
        expect(result.prescriptions[0]!.conflict, context).toBeDefined();
        expect(result.usable, context).toBe(false);
      }
      if (expected.fails) {
        expect(result.usable, context).toBe(false);
        expect(result.problems[0]!.code, context).toBe(expected.fails);
      }
    }
  });

  it("clean print: both the Code 128 and the QR carry the ID, with form and place on the page", async () => {
    const result = await decodeImage(fixture("clean.png"));
    expect(result.image).toMatchObject({ format: "png", width: 1000, height: 700 });
    const [p] = result.prescriptions;
    expect(p!.visitId).toBe("1BYFWZQ21QQXY3B54X0L");
    expect(p!.sources.map((s) => s.format).sort()).toEqual(["Code128", "QRCode"]);
    const linear = p!.sources.find((s) => s.form === "1d")!;
    const qr = p!.sources.find((s) => s.form === "qr")!;
    expect(linear.location!.en).toMatch(/left of the page/);
    expect(qr.location!.en).toMatch(/right of the page/);
    expect(qr.box!.x).toBeGreaterThan(700);
    expect(result.problems).toEqual([]);
  });

  it("partly covered: the QR is hidden, the Code 128 alone still gives the ID", async () => {
    const result = await decodeImage(fixture("covered.png"));
    expect(result.prescriptions[0]!.sources.map((s) => s.format)).toEqual(["Code128"]);
  });

  it("two prescriptions on one sheet are two results, top one first", async () => {
    const result = await decodeImage(fixture("two-prescriptions.png"));
    expect(result.prescriptions).toHaveLength(2);
    for (const p of result.prescriptions) expect(p.sources.map((s) => s.form).sort()).toEqual(["1d", "qr"]);
    expect(result.problems.map((p) => p.code)).toEqual(["several-prescriptions"]);
  });

  it("1D ≠ QR: a conflict naming both values, no visit ID chosen", async () => {
    const result = await decodeImage(fixture("conflict.png"));
    const conflict = result.prescriptions[0]!.conflict!;
    expect(conflict.values).toEqual(
      expect.arrayContaining([
        { visitId: "1BYFWZQ21QQXY3B54X0L", forms: ["Code128"] },
        { visitId: "7K3M9PQ2RX4T8VW5YZ6H", forms: ["QRCode"] },
      ]),
    );
    expect(conflict.message.zh).toContain("不一致");
    expect(conflict.message.en).toContain("disagree");
  });

  it("typed text that disagrees with the barcodes is a conflict; agreeing text joins the sources", async () => {
    const disagree = await decodeImage(fixture("clean.png"), { typedText: "7K3M 9PQ2 RX4T 8VW5 YZ6H" });
    expect(disagree.visitId).toBeUndefined();
    expect(disagree.prescriptions[0]!.conflict!.values.map((v) => v.forms)).toContainEqual(["text"]);
    const agree = await decodeImage(fixture("clean.png"), { typedText: "1byf-wzq2-1qqx-y3b5-4x0l\r\n" });
    expect(agree.visitId).toBe("1BYFWZQ21QQXY3B54X0L");
    expect(agree.prescriptions[0]!.sources.map((s) => s.form)).toContain("text");
  });

  it("reports the O→0 correction of the seed sample instead of hiding it", async () => {
    const result = await decodeImage(fixture("corrected-o.png"));
    expect(result.visitId).toBe("0USE4FA11RP4J370WR4K");
    const note = result.problems.find((p) => p.code === "corrected")!;
    expect(note.message.zh).toContain("第1碼 O→0");
    expect(note.message.en).toContain("position 1 O→0");
  });

  it("hopeless blur and a text-only page: no code found, said in zh-TW and English", async () => {
    for (const file of ["blur-hopeless.png", "no-code.png"]) {
      const result = await decodeImage(fixture(file));
      expect(result.codes).toEqual([]);
      expect(result.problems[0]!.message.zh).toContain("找不到條碼或 QR 碼");
      expect(result.problems[0]!.message.en).toContain("No barcode or QR code");
    }
  });

  it("codes that are not visit IDs are listed and explained", async () => {
    const result = await decodeImage(fixture("not-visit-id.png"));
    expect(result.codes.map((c) => c.text).sort()).toEqual([
      "4710088412345",
      "https://example.invalid/refill?slip=0003",
    ]);
    expect(result.codes.every((c) => c.meaning.kind === "other")).toBe(true);
    expect(result.problems[0]!.message.zh).toContain("不是就醫識別碼");
    expect(result.problems[0]!.message.en).toContain("4710088412345");
  });

  it("a 1280×960 JPEG photo of the page on a desk", async () => {
    const result = await decodeImage(fixture("photo-1280x960.jpg"));
    expect(result.image).toMatchObject({ format: "jpeg", width: 1280, height: 960 });
    expect(result.visitId).toBe("1BYFWZQ21QQXY3B54X0L");
  });
});

describe("decodeImage refuses what is not a usable image, with a clear message", () => {
  it("not an image", async () => {
    const error = await scanError(decodeImage(new TextEncoder().encode("1BYFWZQ21QQXY3B54X0L\n")));
    expect(error.code).toBe("not-an-image");
    expect(error.reason.zh).toContain("不是影像檔");
  });

  it("empty file", async () => {
    expect((await scanError(decodeImage(new Uint8Array()))).code).toBe("empty");
  });

  it("a truncated PNG is unreadable", async () => {
    const error = await scanError(decodeImage(fixture("clean.png").slice(0, 4000)));
    expect(error.code).toBe("unreadable-image");
    expect(error.reason.en).toContain("damaged or incomplete");
  });

  it("a PNG whose header is cut off is unreadable", async () => {
    expect((await scanError(decodeImage(fixture("clean.png").slice(0, 20)))).code).toBe("unreadable-image");
  });

  it("too many bytes, checked before decoding", async () => {
    const error = await scanError(decodeImage(fixture("clean.png"), { maxBytes: 10_000 }));
    expect(error.code).toBe("too-large");
    expect(error.reason.zh).toContain("影像檔太大");
  });

  it("too many pixels, read from the header", async () => {
    const error = await scanError(decodeImage(fixture("photo-1280x960.jpg"), { maxPixels: 1_000_000 }));
    expect(error.code).toBe("too-large");
    expect(error.reason.en).toContain("1280×960");
  });
});
