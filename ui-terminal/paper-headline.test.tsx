/** A scan that offers the paper form says so in its big words, with why, in place of "do not dispense". */
import { cleanup } from "ink-testing-library";
import { afterEach, describe, expect, it } from "vitest";
import type { PaperEntryCause } from "../src/domain/paper-prescription.js";
import { assertFits, KEY, renderApp } from "../test/support/ink-harness.js";
import { paperOffering, UNKNOWN_VISIT_ID } from "../test/support/paper-offer.js";

afterEach(() => cleanup());

const UNKNOWN = UNKNOWN_VISIT_ID;
const offering = paperOffering;

const WHY: Record<PaperEntryCause, [string, string]> = {
  "nhi-unreachable": ["健保署無法連線，本機無此處方", "NHI unreachable and never seen here"],
  "not-uploaded": ["原處方院所尚未上傳此處方（D024）", "The prescriber has not uploaded it yet (D024)"],
  sm00: ["舊式處方箋（SM00）", "A pre-2.0 paper (SM00)"],
};

describe("the big words of a scan that offers the paper form", () => {
  for (const cause of Object.keys(WHY) as PaperEntryCause[]) {
    it(`${cause}: what can be done and why, zh-TW and English`, async () => {
      const app = renderApp({ service: offering(cause) });
      await app.press(`${UNKNOWN}\r`);
      let s = await app.waitFor("F9 依紙本輸入處方");
      expect(s).toContain("依 紙 本 輸 入");
      expect(s).toContain(WHY[cause][0]);
      expect(s).not.toContain("不 可 調 劑");
      expect(s).not.toContain("不可調劑");
      assertFits(s);
      await app.press(KEY.f2);
      s = await app.waitFor("F9 enter from the paper");
      expect(s).toContain("ENTER FROM THE PAPER");
      expect(s).toContain(WHY[cause][1]);
      expect(s).not.toMatch(/do not dispense/i);
      assertFits(s);
    });
  }

  it("a block without the paper offer still says do not dispense", async () => {
    const app = renderApp({ service: offering() });
    await app.press(`${UNKNOWN}\r`);
    const s = await app.waitFor("不 可 調 劑");
    expect(s).not.toContain("依 紙 本 輸 入");
  });
});
