/** Card pass (M01/M11/M14/M15), API 1.54 offline visit IDs and virtual-card QR tokens. */
import { describe, expect, it } from "vitest";
import { CLINIC, OTHER_PATIENT, PATIENT, PHARMACY, roc } from "../../../test/support/sandbox-world.js";
import { worldPerTest } from "../../../test/support/sandbox-world-per-test.js";
import { isVirtualCardToken } from "../../domain/virtual-card-token.js";

const t = worldPerTest();

describe("card pass", () => {
  it("gives the pharmacy M11 = now, a signature, a SAM id and an M15 that decodes to it", async () => {
    const pass = await t.w.client.passCard(
      { institutionCode: PHARMACY },
      { nationalId: PATIENT.nationalId, visitCategory: "AF", cardNumber: "000012345678" },
    );
    expect(pass.visitDateTime).toBe(roc(t.w.clock.now));
    expect(pass.samId).toHaveLength(12);
    expect(pass.signature.length).toBeGreaterThan(20);
    expect(pass.sequenceNumber).toBeUndefined();
    expect(pass.cardNumber).toBe("000012345678");
    expect(t.w.sandbox.decodeVisitId(pass.visitId)).toEqual({
      nationalId: PATIENT.nationalId,
      visitDateTime: pass.visitDateTime,
      institutionCode: PHARMACY,
      offline: false,
    });
  });

  it("gives a clinic a sequence number that counts up", async () => {
    const a = await t.w.client.passCard(
      { institutionCode: CLINIC },
      { nationalId: PATIENT.nationalId, visitCategory: "01" },
    );
    t.w.clock.advanceDays(1);
    const b = await t.w.client.passCard(
      { institutionCode: CLINIC },
      { nationalId: PATIENT.nationalId, visitCategory: "01" },
    );
    expect([a.sequenceNumber, b.sequenceNumber]).toEqual(["0001", "0002"]);
  });

  it("refuses a bad national ID or institution code with a bilingual reason", async () => {
    await expect(
      t.w.client.passCard({ institutionCode: PHARMACY }, { nationalId: "A123456788", visitCategory: "AF" }),
    ).rejects.toMatchObject({ name: "SandboxRequestError", detail: { zh: expect.stringContaining("檢查碼") } });
    await expect(
      t.w.client.passCard({ institutionCode: "12" }, { nationalId: PATIENT.nationalId, visitCategory: "AF" }),
    ).rejects.toThrow(/10 characters/);
  });

  it("issues API 1.54 offline visit IDs that decode with the offline flag", async () => {
    const off = await t.w.client.offlineVisitId({ institutionCode: PHARMACY }, OTHER_PATIENT.nationalId);
    expect(off.visitDateTime).toBe(roc(t.w.clock.now));
    expect(t.w.sandbox.decodeVisitId(off.visitId)).toMatchObject({ offline: true, institutionCode: PHARMACY });
  });
});

describe("virtual NHI card", () => {
  const caller = { institutionCode: PHARMACY };

  it("verifies a fresh token once, then reports it used", async () => {
    const issued = await t.w.sandbox.issueVirtualCard({
      nationalId: PATIENT.nationalId,
      name: "王大明",
      birthDate: PATIENT.birthDate,
    });
    expect(isVirtualCardToken(issued.token)).toBe(true);
    expect(Date.parse(issued.expiresAt) - Date.parse(issued.issuedAt)).toBe(5 * 60 * 1000);
    expect(await t.w.client.verifyVirtualCard(caller, issued.token)).toEqual({
      valid: true,
      nationalId: PATIENT.nationalId,
      name: "王大明",
      birthDate: PATIENT.birthDate,
      proxy: false,
      sequencePrefix: "V",
    });
    expect(await t.w.client.verifyVirtualCard(caller, issued.token)).toMatchObject({ valid: false, reason: "used" });
  });

  it("expires after 5 minutes", async () => {
    const issued = await t.w.sandbox.issueVirtualCard({ nationalId: PATIENT.nationalId });
    t.w.clock.set(new Date(t.w.clock.now.getTime() + 5 * 60 * 1000));
    const r = await t.w.client.verifyVirtualCard(caller, issued.token);
    expect(r).toMatchObject({ valid: false, reason: "expired" });
    if (!r.valid) expect(r.message.zh).toContain("5分鐘");
  });

  it("reports unknown tokens, including malformed ones", async () => {
    expect(await t.w.client.verifyVirtualCard(caller, "NHIVC1:0000000000000000000000000000000")).toMatchObject({
      reason: "unknown",
    });
    expect(await t.w.client.verifyVirtualCard(caller, "hello")).toMatchObject({ valid: false, reason: "unknown" });
  });

  it("revokes one token or every token of a person (card cancelled)", async () => {
    const a = await t.w.sandbox.issueVirtualCard({ nationalId: PATIENT.nationalId });
    const b = await t.w.sandbox.issueVirtualCard({ nationalId: PATIENT.nationalId });
    const c = await t.w.sandbox.issueVirtualCard({ nationalId: OTHER_PATIENT.nationalId });
    expect(await t.w.sandbox.revokeVirtualCard({ token: c.token })).toBe(1);
    expect(await t.w.sandbox.revokeVirtualCard({ nationalId: PATIENT.nationalId })).toBe(2);
    for (const card of [a, b, c]) {
      expect(await t.w.client.verifyVirtualCard(caller, card.token)).toMatchObject({ valid: false, reason: "revoked" });
    }
  });

  it("marks a token shown by a family member (proxy)", async () => {
    const issued = await t.w.sandbox.issueVirtualCard({
      nationalId: PATIENT.nationalId,
      proxy: { nationalId: OTHER_PATIENT.nationalId },
    });
    expect(await t.w.client.verifyVirtualCard(caller, ` ${issued.token}\r\n`)).toMatchObject({
      valid: true,
      proxy: true,
    });
  });
});
