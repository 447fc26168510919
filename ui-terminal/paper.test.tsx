/** The prescription entered from the paper at the counter: the form, its errors, D024, and the dispensing. */
import { cleanup } from "ink-testing-library";
import { afterEach, describe, expect, it, vi } from "vitest";
import { msg } from "../src/domain/message.js";
import type { DispensingServiceApi } from "../src/service/types.js";
import { FakeService } from "../test/support/fake-service.js";
import { assertFits, KEY, renderApp } from "../test/support/ink-harness.js";
import { newPaperValues, paperFromValues } from "./paper-draft.js";

afterEach(() => cleanup());

const NEVER_SEEN = "9BYFWZQ21QQXY3B54X0L";

/** The fake, answering NEVER_SEEN as the service does when it cannot decide: a block that offers the paper. */
function paperService(cause: "nhi-unreachable" | "not-uploaded"): FakeService {
  const service = new FakeService();
  service.nhiReachable = cause !== "nhi-unreachable";
  const check = service.check.bind(service);
  service.check = async (input) => {
    if (!input.visitIdInput.includes(NEVER_SEEN)) return check(input);
    service.calls.push({ method: "check", args: input });
    const unknown = msg("健保署無法連線，本機無此處方", "NHI unreachable and never seen here");
    return {
      input: input.visitIdInput,
      originalVisitId: NEVER_SEEN,
      corrections: [],
      outcome: "block",
      reasons: [{ code: "unknown-offline", severity: "block", message: unknown }],
      headline: msg("不可調劑", "Do not dispense"),
      nhiReachable: service.nhiReachable,
      checkedAt: "2024-04-10T02:00:00Z",
      paperEntry: cause,
    };
  };
  return service;
}

/** Types into the form's current field, then Tab. */
async function fill(app: ReturnType<typeof renderApp>, ...values: string[]) {
  for (const v of values) await app.press(KEY.ctrlU, v, "\t");
}

describe("paper entry", () => {
  it("NHI down, never seen: F9 opens the form; a bad field is said beside it and nothing is saved", async () => {
    const app = renderApp({ service: paperService("nhi-unreachable") });
    await app.press(`${NEVER_SEEN}\r`);
    let s = await app.waitFor("F9 依紙本輸入處方");
    await app.press(KEY.f9);
    s = await app.waitFor("依紙本輸入處方（健保署無法確認此處方");
    expect(s).toMatch(new RegExp(`原處方就醫識別碼 +${NEVER_SEEN}`));
    expect(s).toMatch(/Tab\/↓下一欄 Shift-Tab\/↑上一欄 F9檢查 Esc返回/);
    assertFits(s);
    // M17 (bad: 5 characters), name, M18, M19, chronic, M33, M26, M20, drugs; the patient: ID, M04, reason.
    await fill(app, "35012", "示範診所", "0012", "113/04/09 10:00", "Y", "1", "3", "28", "AC12345100 56 BID");
    await fill(app, "a123456789", "075/03/15", "病人忘記帶卡");
    await app.press(KEY.f9);
    s = await app.waitFor("✕ 紙本處方欄位「M17」不正確");
    expect(s).toMatch(/處方院所代碼 +▸ 35012/);
    assertFits(s);
    expect(app.service.callsOf("dispensePaper")).toEqual([]);
    await app.press(KEY.ctrlU, "3501200000", KEY.f9);
    s = await app.waitFor("F9 覆核調劑");
    expect(s).toContain("依紙本輸入");
    expect(app.service.callsOf("checkPaper").at(-1)).toMatchObject({
      paper: {
        originalVisitId: NEVER_SEEN,
        prescriberInstitutionCode: "3501200000",
        prescriberName: "示範診所",
        originalSequenceNumber: "0012",
        originalVisitDateTime: "1130409100000",
        chronic: true,
        refillNo: 1,
        refillCount: 3,
        daysPerRefill: 28,
        orders: [{ drugCode: "AC12345100", totalQuantity: "56", frequency: "BID" }],
        birthDate: "0750315",
      },
      card: { source: "typed", nationalId: "A123456789", typedReason: "病人忘記帶卡" },
    });
    await app.press(KEY.f9);
    await app.waitFor("請依原因選擇異常代碼");
    await app.press(KEY.enter);
    await app.waitFor("請輸入覆核理由");
    await app.press("VPN 中斷\r");
    s = await app.waitFor("已調劑");
    expect(s).toContain("依紙本輸入（健保署無法連線且本機無此處方），待健保署查核");
    expect(s).toContain("M13 = A020");
    expect(app.service.callsOf("dispensePaper")).toMatchObject([
      {
        paper: { prescriberInstitutionCode: "3501200000" },
        card: { source: "typed", nationalId: "A123456789" },
        override: { reason: "VPN 中斷", abnormalCode: "A020" },
        pharmacistId: "B223456782",
      },
    ]);
    assertFits(s);
  });

  it("a number that is not one is said by the form itself; Shift-Tab goes back; Esc leaves", async () => {
    const app = renderApp({ service: paperService("not-uploaded") });
    await app.press(`${NEVER_SEEN}\r`);
    await app.waitFor("F9 依紙本輸入處方");
    await app.press(KEY.f9);
    await app.waitFor("依紙本輸入處方（");
    await fill(app, "3501200000", "", "", "1130409 1000", "N", "1", "1", "七");
    let s = await app.waitFor("▸ ");
    await app.press(KEY.f9);
    s = await app.waitFor("✕ 請輸入整數");
    expect(s).toMatch(/每次給藥日份 +▸ 七/);
    expect(app.service.callsOf("checkPaper")).toEqual([]);
    await app.press("\u001b[Z");
    s = await app.waitFor(/可調劑次數 +▸ 1/);
    await app.press(KEY.esc);
    await vi.waitFor(() => expect(app.screen()).not.toContain("依紙本輸入處方（"));
    await app.waitFor("F9 依紙本輸入處方");
  });

  it("D024 on a chronic refill 2+: a reason, recorded, before the entry holds", async () => {
    const service = paperService("not-uploaded");
    const checkPaper = service.checkPaper.bind(service);
    const api: DispensingServiceApi = service;
    api.checkPaper = async (request) => {
      if (request.notUploadedOverride) return checkPaper(request);
      service.calls.push({ method: "checkPaper", args: request });
      const message = msg("D024：慢箋第2次以後原處方仍未上傳", "D024 on refill 2+");
      return {
        ok: false,
        kind: "override",
        cause: "not-uploaded",
        reasons: [{ code: "not-uploaded-later-refill", severity: "override", nhiCode: "D024", message }],
      };
    };
    const app = renderApp({ service, locale: "en" });
    app.cards.send({ type: "reader-added", reader: "ACS ACR39U" });
    app.cards.send({
      type: "card-inserted",
      reader: "ACS ACR39U",
      identity: { source: "ic-card", nationalId: "A123456789", name: "王小明" },
    });
    await app.waitFor("Card: 王小明");
    await app.press(`${NEVER_SEEN}\r`);
    await app.waitFor("F9 enter from the paper");
    await app.press(KEY.f9);
    let s = await app.waitFor("From the paper (NHI cannot confirm it");
    expect(s).toContain("王小明 A12345****");
    expect(s).not.toContain("Why no card");
    assertFits(s);
    await fill(app, "3501200000", "", "", "113/03/12 09:00", "Y", "2", "3", "28", "AC12345100 56");
    await app.press(KEY.f9);
    await app.waitFor("D024: refill 2+ and the prescriber has still not uploaded it");
    await app.press("\r");
    await app.waitFor("A reason is required");
    await app.press("clinic confirmed by phone\r");
    s = await app.waitFor("F9 dispense");
    expect(service.callsOf("checkPaper").at(-1)).toMatchObject({
      notUploadedOverride: { reason: "clinic confirmed by phone" },
      card: { source: "ic-card", nationalId: "A123456789" },
    });
    await app.press(KEY.f9);
    await app.waitFor("Dispensed refill 2, visit ID");
    expect(service.callsOf("dispensePaper")).toMatchObject([
      { notUploadedOverride: { reason: "clinic confirmed by phone" }, paper: { refillNo: 2, chronic: true } },
    ]);
  });

  it("a whole entry typed in one burst lands each value in its own field", async () => {
    const app = renderApp({ service: paperService("nhi-unreachable") });
    await app.press(`${NEVER_SEEN}\r`);
    await app.waitFor("F9 依紙本輸入處方");
    await app.press(KEY.f9);
    await app.waitFor("依紙本輸入處方（");
    await app.press("3501200000\t\t\t113/04/09 10:00\tY\t1\t3\t28\tAC12345100 56\tA123456789\t0750315\t忘記帶卡");
    await app.press(KEY.f9);
    await app.waitFor("F9 覆核調劑");
    expect(app.service.callsOf("checkPaper").at(-1)).toMatchObject({
      paper: { prescriberInstitutionCode: "3501200000", chronic: true, refillCount: 3, daysPerRefill: 28 },
      card: { nationalId: "A123456789", typedReason: "忘記帶卡" },
    });
  });

  it("a card put in while typing: the patient rows give way to the card, the cursor stays on its field", async () => {
    const app = renderApp({ service: paperService("nhi-unreachable") });
    app.cards.send({ type: "reader-added", reader: "ACS ACR39U" });
    await app.press(`${NEVER_SEEN}\r`);
    await app.waitFor("F9 依紙本輸入處方");
    await app.press(KEY.f9);
    await app.waitFor("病人身分證號");
    await fill(app, "3501200000", "", "", "113/04/09 10:00", "Y", "1", "3");
    app.cards.send({
      type: "card-inserted",
      reader: "ACS ACR39U",
      identity: { source: "ic-card", nationalId: "A123456789", name: "王小明", birthDate: "0750315" as never },
    });
    let s = await app.waitFor("王小明 A12345**** ✓ 健保卡");
    expect(s).not.toContain("病人身分證號");
    expect(s).toMatch(/每次給藥日份 +▸/);
    await fill(app, "28", "AC12345100 56");
    await app.press(KEY.f9);
    s = await app.waitFor("F9 覆核調劑");
    expect(app.service.callsOf("checkPaper").at(-1)).toMatchObject({
      paper: { daysPerRefill: 28, orders: [{ drugCode: "AC12345100" }] },
      card: { source: "ic-card", nationalId: "A123456789" },
    });
  });

  it("the form's values become the service's paper prescription", () => {
    const values = { ...newPaperValues({ input: "SM00", corrections: [] } as never), m17: "3501200000" };
    const parsed = paperFromValues(
      { ...values, m19: "1130320 1339", m20: "7", orders: "A1 10, B2 20 TID" },
      { source: "ic-card", nationalId: "A123456789" },
    );
    expect(parsed).toEqual({
      ok: true,
      paper: {
        originalVisitId: "SM00",
        prescriberInstitutionCode: "3501200000",
        originalVisitDateTime: "1130320133900",
        chronic: false,
        refillNo: 1,
        refillCount: 1,
        daysPerRefill: 7,
        orders: [
          { drugCode: "A1", totalQuantity: "10" },
          { drugCode: "B2", totalQuantity: "20", frequency: "TID" },
        ],
      },
    });
  });
});
