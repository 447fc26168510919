import { cleanup } from "ink-testing-library";
import { afterEach, describe, expect, it, vi } from "vitest";
import { RX_DONE_ELSEWHERE, RX_OK } from "../test/support/counter-data.js";
import { FakeService } from "../test/support/fake-service.js";
import { assertFits, KEY, renderApp } from "../test/support/ink-harness.js";

afterEach(() => cleanup());

describe("counter", () => {
  it("starts on the scan field with the keys and status on screen", async () => {
    const app = renderApp();
    const s = await app.waitFor("健保署 連線");
    expect(s).toContain("掃描就醫識別碼");
    expect(s).toContain("F1說明");
    expect(s).toContain("F10結束");
    expect(s).toContain("上傳 待傳2 退件1");
    expect(s).toContain("最久3h00m/24小時");
    expect(s).toContain("無讀卡機");
    assertFits(s);
  });

  it("a scanner burst (code + Enter) shows the decision, refill n of N and the window in ROC dates", async () => {
    const app = renderApp();
    await app.press(`${RX_OK}\r`);
    const s = await app.waitFor("可 調 劑");
    expect(s).toContain("第 2 次 / 共 3 次");
    expect(s).toContain("王小明");
    expect(s).toContain("A123456789");
    expect(s).toContain("3501200000 示範診所");
    expect(s).toContain("113/03/20 13:39");
    expect(s).toContain("113/04/07 – 113/04/16");
    expect(s).toContain("F9 確認調劑");
    expect(app.service.callsOf("check")).toEqual([{ visitIdInput: RX_OK, card: undefined }]);
    assertFits(s);
  });

  it("typing grouped, lowercase input works and I/O corrections are shown", async () => {
    const app = renderApp();
    for (const ch of "ouse 4fa1 1rp4 j370 wr4k") await app.press(ch);
    await app.press(KEY.enter);
    const s = await app.waitFor("已自動更正");
    expect(s).toContain("第1碼 O→0");
    expect(s).toContain("不 可 調 劑");
    expect(s).toContain("D025");
    expect(s).not.toContain("F9 確認調劑");
  });

  it("rejects bad input with a clear reason and calls nothing", async () => {
    const app = renderApp();
    await app.press("ABC123\r");
    const s = await app.waitFor("就醫識別碼應為20碼");
    expect(s).toContain("輸入為6碼");
    expect(app.service.callsOf("check")).toEqual([]);
    await app.press("1BYFWZQ21QQXY3B54X0#\r");
    await app.waitFor("第20碼「#」");
  });

  it("F9 dispenses with one key, shows the next window, F8 writes the slip, next scan starts over", async () => {
    const printSlip = vi.fn(async (id: string) => ({ path: `/tmp/slips/slip-${id}.pdf` }));
    const app = renderApp({ actions: { printSlip } });
    await app.press(`${RX_OK}\r`);
    await app.waitFor("可 調 劑");
    await app.press(KEY.f9);
    let s = await app.waitFor("已調劑");
    expect(s).toContain("第 2 次");
    expect(s).toContain("QQQQ2222WWWW3333EEEE");
    expect(s).toContain("下次（第 3 次）可領 113/05/05 – 113/05/14");
    expect(app.service.callsOf("dispense")).toMatchObject([
      { visitIdInput: RX_OK, refillNo: 2, pharmacistId: "B223456782" },
    ]);
    await app.press(KEY.f8);
    s = await app.waitFor("提醒單已產生");
    expect(printSlip).toHaveBeenCalledWith("disp1", "zh-TW");
    expect(s).toContain("/tmp/slips/slip-disp1.pdf");
    // F9 again does not dispense twice
    await app.press(KEY.f9);
    expect(app.service.callsOf("dispense")).toHaveLength(1);
    await app.press(`${RX_DONE_ELSEWHERE}\r`);
    await app.waitFor("不 可 調 劑");
  });

  it("a keystroke after a decision sets it aside and turns F9 off until Enter checks the new input", async () => {
    const app = renderApp();
    await app.press(`${RX_OK}\r`);
    await app.waitFor("可 調 劑");
    await app.press("K");
    let s = await app.waitFor("輸入中");
    expect(s).not.toContain("可 調 劑");
    expect(s).not.toContain("F9 確認調劑");
    await app.press(KEY.f9);
    // Backspace back to an empty field does not bring the old decision back either.
    await app.press(KEY.backspace, KEY.f9);
    expect(app.service.callsOf("dispense")).toEqual([]);
    s = app.screen();
    expect(s).toContain("輸入中");
    await app.press(`${RX_OK}\r`);
    await app.waitFor("F9 確認調劑");
    await app.press(KEY.f9);
    await app.waitFor("已調劑");
    expect(app.service.callsOf("dispense")).toHaveLength(1);
  });

  it("a re-decision that answers while the pharmacist types stays set aside", async () => {
    const service = new FakeService();
    const app = renderApp({ service });
    app.cards.send({ type: "reader-added", reader: "ACS ACR39U" });
    await app.press(`${RX_OK}\r`);
    await app.waitFor("F9 確認調劑");
    // The card put in re-decides; its answer is held until a key has been typed.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let started = false;
    const check = service.check.bind(service);
    service.check = async (input) => {
      started = true;
      await gate;
      return check(input);
    };
    app.cards.send({
      type: "card-inserted",
      reader: "ACS ACR39U",
      identity: { source: "ic-card", nationalId: "A123456789", name: "王小明" },
    });
    await vi.waitFor(() => expect(started).toBe(true));
    await app.press("K");
    release();
    const s = await app.waitFor("輸入中");
    expect(s).not.toContain("F9 確認調劑");
    await app.press(KEY.f9);
    expect(app.service.callsOf("dispense")).toEqual([]);
  });

  it("two F9 in one burst dispense once and keep the success on screen", async () => {
    const app = renderApp();
    await app.press(`${RX_OK}\r`);
    await app.waitFor("F9 確認調劑");
    await app.press(KEY.f9 + KEY.f9);
    const s = await app.waitFor("已調劑");
    expect(s).not.toContain("未調劑");
    expect(app.service.callsOf("dispense")).toHaveLength(1);
  });

  it("a chronic refill without a card is 需健保卡, and inserting the card re-decides by itself", async () => {
    const service = new FakeService();
    service.requireCard = true;
    const app = renderApp({ service });
    app.cards.send({ type: "reader-added", reader: "ACS ACR39U" });
    await app.press(`${RX_OK}\r`);
    let s = await app.waitFor("需 健 保 卡");
    expect(s).not.toContain("可 調 劑");
    expect(s).toContain("插卡或掃描虛擬健保卡即自動重判");
    app.cards.send({
      type: "card-inserted",
      reader: "ACS ACR39U",
      identity: { source: "ic-card", nationalId: "A123456789", name: "王小明" },
    });
    s = await app.waitFor("可 調 劑");
    expect(s).toContain("健保卡相符");
    expect(app.service.callsOf("check")).toHaveLength(2);
    await app.press(KEY.f9);
    await app.waitFor("已調劑");
    expect(app.service.callsOf("dispense")).toMatchObject([
      { card: { source: "ic-card", nationalId: "A123456789" }, decisionToken: "token-ic-card-A123456789" },
    ]);
  });

  it("no card: F9 takes the ID typed from the paper with a reason, re-decides with it, and records it", async () => {
    const service = new FakeService();
    service.requireCard = true;
    const app = renderApp({ service });
    await app.press(`${RX_OK}\r`);
    await app.waitFor("需 健 保 卡");
    await app.press(KEY.f9);
    await app.waitFor("依處方箋輸入病人身分證號");
    await app.press("A12345678X\r");
    await app.waitFor("身分證號格式錯誤");
    await app.press(KEY.ctrlU, "a123456789\r");
    await app.waitFor("未讀卡理由");
    await app.press(KEY.enter);
    await app.waitFor("請輸入理由");
    await app.press("病人忘記帶卡\r");
    const s = await app.waitFor("可 調 劑");
    expect(s).toContain("依紙本輸入：A12345****");
    expect(s).toContain("依紙本輸入，未讀卡");
    expect(app.service.callsOf("check").at(-1)).toMatchObject({
      card: { source: "typed", nationalId: "A123456789", typedReason: "病人忘記帶卡" },
    });
    await app.press(KEY.f9);
    await app.waitFor("已調劑");
    expect(app.service.callsOf("dispense")).toMatchObject([{ card: { source: "typed", typedReason: "病人忘記帶卡" } }]);
  });

  it("a refusal on screen is re-decided when the card changes", async () => {
    const service = new FakeService();
    service.refuseNext = {
      code: "no-card-chronic",
      message: { zh: "慢箋須過健保卡", en: "chronic refills need the card" },
    };
    const app = renderApp({ service });
    app.cards.send({ type: "reader-added", reader: "ACS ACR39U" });
    await app.press(`${RX_OK}\r`);
    await app.waitFor("可 調 劑");
    await app.press(KEY.f9);
    await app.waitFor("未調劑");
    app.cards.send({
      type: "card-inserted",
      reader: "ACS ACR39U",
      identity: { source: "ic-card", nationalId: "A123456789", name: "王小明" },
    });
    await app.waitFor("健保卡相符");
    await app.waitFor("F9 確認調劑");
    await app.press(KEY.f9);
    await app.waitFor("已調劑");
  });

  it("the mismatch banner names the card holder and the prescription's patient", async () => {
    const app = renderApp();
    app.cards.send({
      type: "card-inserted",
      reader: "ACS ACR39U",
      identity: { source: "ic-card", nationalId: "F131104093", name: "陳大文" },
    });
    await app.press(`${RX_OK}\r`);
    const s = await app.waitFor("健保卡與處方箋不是同一人");
    expect(s).toContain("卡：陳大文 ／ 處方：王小明");
    expect(s).toMatch(/病人 王小明 A123456789/);
  });

  it("without reports installed, F8 says so instead of failing silently", async () => {
    const app = renderApp();
    await app.press(`${RX_OK}\r`);
    await app.waitFor("可 調 劑");
    await app.press(KEY.f9);
    await app.waitFor("已調劑");
    await app.press(KEY.f8);
    await app.waitFor("提醒單功能尚未安裝");
  });

  it("a dispensing refused by the service shows why and changes nothing on screen as done", async () => {
    const service = new FakeService();
    service.refuseNext = {
      code: "no-card-chronic",
      message: { zh: "慢箋須過健保卡", en: "chronic refills need the card" },
    };
    const app = renderApp({ service });
    await app.press(`${RX_OK}\r`);
    await app.waitFor("可 調 劑");
    await app.press(KEY.f9);
    const s = await app.waitFor("未調劑");
    expect(s).toContain("不 可 調 劑");
    expect(s).toContain("✕ 慢箋須過健保卡 (D059)");
    expect(s).not.toContain("已調劑");
  });

  it("a virtual NHI card QR scanned into the same field identifies the patient", async () => {
    const verifyVirtualCard = vi.fn(async () => ({
      ok: true as const,
      identity: { source: "virtual-card" as const, nationalId: "A123456789", name: "王小明", proxy: true },
    }));
    const app = renderApp({ actions: { verifyVirtualCard } });
    await app.press(`${RX_OK}\r`);
    await app.waitFor("未插健保卡");
    await app.press("NHIVC1:0123456789ABCDEFGHJKMNPQRSTVWXYZ\r");
    const s = await app.waitFor("健保卡相符");
    expect(s).toContain("虛擬健保卡：王小明 A12345****（代理人出示）");
    expect(verifyVirtualCard).toHaveBeenCalledWith("NHIVC1:0123456789ABCDEFGHJKMNPQRSTVWXYZ");
    await vi.waitFor(() =>
      expect(app.service.callsOf("check").at(-1)).toMatchObject({ card: { source: "virtual-card" } }),
    );
    expect(app.service.callsOf("check")).toHaveLength(2);
    await app.press(KEY.f9);
    await app.waitFor("已調劑");
    expect(app.service.callsOf("dispense")[0]).toMatchObject({
      card: { source: "virtual-card", nationalId: "A123456789" },
    });
    // single use: gone after the dispensing
    await app.waitFor(/上傳 .*無讀卡機/);
  });

  it("a refused virtual card says why", async () => {
    const verifyVirtualCard = vi.fn(async () => ({
      ok: false as const,
      message: { zh: "QR碼已逾5分鐘", en: "the QR code is older than 5 minutes" },
    }));
    const app = renderApp({ actions: { verifyVirtualCard } });
    await app.press("NHIVC1:0123456789ABCDEFGHJKMNPQRSTVWXYZ\r");
    await app.waitFor("虛擬健保卡無效：QR碼已逾5分鐘");
  });

  it("a blocked decision cannot be confirmed", async () => {
    const app = renderApp();
    await app.press(`${RX_DONE_ELSEWHERE}\r`);
    await app.waitFor("不 可 調 劑");
    await app.press(KEY.f9);
    await app.waitFor("不可調劑，無法確認");
    expect(app.service.callsOf("dispense")).toEqual([]);
  });

  it("card inserted shows in the status line and is passed to the check; another person's card is loud", async () => {
    const app = renderApp();
    app.cards.send({ type: "reader-added", reader: "ACS ACR39U" });
    await app.waitFor("讀卡機就緒");
    await app.press(`${RX_OK}\r`);
    await app.waitFor("未插健保卡");
    app.cards.send({
      type: "card-inserted",
      reader: "ACS ACR39U",
      identity: { source: "ic-card", nationalId: "F131104093", name: "陳大文" },
    });
    let s = await app.waitFor("健保卡與處方箋不是同一人");
    await app.press(KEY.f9);
    s = await app.waitFor("不 可 調 劑");
    await app.press(KEY.f9);
    await app.waitFor("不可調劑，無法確認");
    expect(app.service.callsOf("dispense")).toEqual([]);
    expect(s).toContain("已插入健保卡：陳大文");
    expect(s).toContain("健保卡：陳大文");
    expect(s).toContain("不 可 調 劑");
    expect(app.service.callsOf("check").at(-1)).toMatchObject({ card: { nationalId: "F131104093" } });
    app.cards.send({ type: "card-removed", reader: "ACS ACR39U" });
    s = await app.waitFor("健保卡已取出");
    // "可 調 劑" is in the "不 可 調 劑" on screen too: the re-decision without the card is the one without it.
    await app.waitFor("可 調 劑", { without: "不 可 調 劑" });
    app.cards.send({
      type: "card-inserted",
      reader: "ACS ACR39U",
      identity: { source: "ic-card", nationalId: "A123456789", name: "王小明" },
    });
    s = await app.waitFor("健保卡相符");
    expect(s).not.toContain("不是同一人");
  });

  it("pcscd missing reads as no reader; the counter still works", async () => {
    const app = renderApp();
    app.cards.send({
      type: "error",
      error: { code: "pcscd-not-running", reason: { zh: "讀卡服務未啟動", en: "pcscd not running" } },
    });
    await app.waitFor("無讀卡服務");
    await app.press(`${RX_OK}\r`);
    await app.waitFor("可 調 劑");
  });

  it("Esc clears the field (the set-aside decision stays aside), then the decision", async () => {
    const app = renderApp();
    await app.press(`${RX_OK}\r`);
    await app.waitFor("可 調 劑");
    await app.press("12AB");
    await app.waitFor("▸ 12AB");
    await app.press(KEY.backspace);
    await app.waitFor("▸ 12A");
    await app.press(KEY.esc);
    await vi.waitFor(() => expect(app.screen()).not.toContain("12A"));
    expect(app.screen()).toContain("輸入中");
    await app.press(KEY.esc);
    await vi.waitFor(() => expect(app.screen()).not.toContain("輸入中"));
    expect(app.screen()).toContain("掃描處方箋條碼");
  });

  it("F2 switches to English and back; --lang en starts in English", async () => {
    const app = renderApp();
    await app.press(`${RX_OK}\r`);
    await app.waitFor("可 調 劑");
    await app.press(KEY.f2);
    const s = await app.waitFor("OK TO DISPENSE");
    expect(s).toContain("refill 2 of 3");
    expect(s).toContain("Window 113/04/07 – 113/04/16");
    expect(s).toContain("F9 dispense");
    assertFits(s);
    await app.press(KEY.f2);
    await app.waitFor("可 調 劑");
  });

  it("starts in English when asked (--lang en)", async () => {
    const app = renderApp({ locale: "en" });
    const s = await app.waitFor("NHI online");
    expect(s).toContain("Scan visit ID");
    expect(s).toContain("no reader");
    expect(s).toContain("F1help");
  });
});
