/**
 * Virtual NHI card QR from the patient's phone, end to end: the NHI sandbox issues a token, the QR is rendered as
 * a screenshot (or typed by a keyboard-wedge scanner), rxdesk recognizes it and the sandbox verifies it — valid
 * once, then reused, expired after 5 minutes, unknown when foreign (never issued).
 */
import QRCode from "qrcode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isVirtualCardToken } from "../domain/virtual-card-token.js";
import { createSandbox } from "../nhi/sandbox/index.js";
import type { Sandbox } from "../nhi/sandbox/types.js";
import { decodeImage } from "./decode.js";
import { splitWedgeInput } from "./wedge.js";

const caller = { institutionCode: "5901012345" };
let clock = new Date("2024-03-21T02:00:00Z");
let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await createSandbox({ now: () => clock });
});
afterAll(async () => {
  await sandbox.close();
});

async function screenshotOf(token: string): Promise<Uint8Array> {
  return new Uint8Array(await QRCode.toBuffer(token, { errorCorrectionLevel: "M", margin: 4, scale: 6 }));
}

describe("virtual NHI card QR through the scanner", () => {
  it("an issued token read from a screenshot verifies once, then is refused as reused", async () => {
    const issued = await sandbox.issueVirtualCard({ nationalId: "A123456789", proxy: true });
    const scan = await decodeImage(await screenshotOf(issued.token));
    expect(scan.virtualCardToken).toBe(issued.token);
    expect(scan.usable).toBe(true);
    const first = await sandbox.client.verifyVirtualCard(caller, scan.virtualCardToken!);
    expect(first).toMatchObject({ valid: true, nationalId: "A123456789", proxy: true, sequencePrefix: "V" });
    const again = await sandbox.client.verifyVirtualCard(caller, scan.virtualCardToken!);
    expect(again).toMatchObject({ valid: false, reason: "used" });
    if (!again.valid) expect(again.message.zh.length).toBeGreaterThan(0);
  });

  it("a token shown after its 5 minutes is refused as expired", async () => {
    const issued = await sandbox.issueVirtualCard({ nationalId: "A123456789" });
    const scan = await decodeImage(await screenshotOf(issued.token));
    clock = new Date(clock.getTime() + 5 * 60_000 + 1000);
    const result = await sandbox.client.verifyVirtualCard(caller, scan.virtualCardToken!);
    expect(result).toMatchObject({ valid: false, reason: "expired" });
  });

  it("a well-formed token the sandbox never issued (foreign) is refused as unknown", async () => {
    const foreign = "NHIVC1:4Q7W2K9MZ3X8RT6VB1NC5HJ0PAS2DEFG";
    const scan = await decodeImage(await screenshotOf(foreign));
    expect(scan.virtualCardToken).toBe(foreign);
    expect(await sandbox.client.verifyVirtualCard(caller, foreign)).toMatchObject({ valid: false, reason: "unknown" });
  });

  it("a keyboard-wedge scanner's QR input (token + CR) is recognized and verified", async () => {
    const issued = await sandbox.issueVirtualCard({ nationalId: "A123456789" });
    const [scanned] = splitWedgeInput(`${issued.token}\r`);
    expect(isVirtualCardToken(scanned!)).toBe(true);
    expect(await sandbox.client.verifyVirtualCard(caller, scanned!)).toMatchObject({ valid: true });
  });
});
