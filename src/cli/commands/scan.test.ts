import { describe, expect, it } from "vitest";
import { runRxdesk as rxdesk } from "../../../test/support/process.js";

describe("rxdesk scan", { timeout: 120_000 }, () => {
  it("prints one JSON line per image and exits 0 when every image gives a visit ID or a virtual card", async () => {
    const r = await rxdesk("scan", "fixtures/scan/clean.png", "fixtures/scan/virtual-card.png");
    expect(r.code).toBe(0);
    const lines = r.out
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ file: "fixtures/scan/clean.png", visitId: "1BYFWZQ21QQXY3B54X0L", usable: true });
    expect(lines[1].virtualCardToken).toMatch(/^NHIVC1:/);
  });

  it("exits 1 when an image has nothing usable, and says why (--pretty, English)", async () => {
    const r = await rxdesk(
      "scan",
      "--pretty",
      "--lang",
      "en",
      "fixtures/scan/clean.png",
      "fixtures/scan/no-code.png",
      "package.json",
      "fixtures/scan/missing.png",
    );
    expect(r.code).toBe(1);
    expect(r.out).toContain("visit ID 1BYF WZQ2 1QQX Y3B5 4X0L");
    expect(r.out).toContain("No barcode or QR code found");
    expect(r.out).toContain("This is not an image file");
    expect(r.out).toContain('File not found: "fixtures/scan/missing.png"');
  });

  it("a conflict exits 1 and shows both values in zh-TW", async () => {
    const r = await rxdesk("scan", "--pretty", "fixtures/scan/conflict.png");
    expect(r.code).toBe(1);
    expect(r.out).toContain("就醫識別碼不一致");
    expect(r.out).toContain("7K3M9PQ2RX4T8VW5YZ6H");
  });

  it("refuses a file over --max-bytes before decoding", async () => {
    const r = await rxdesk("scan", "--max-bytes", "1000", "fixtures/scan/clean.png");
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out).error.code).toBe("too-large");
  });
});
