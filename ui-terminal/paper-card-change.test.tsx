/**
 * A decision entered from the paper follows the card at hand, as every other decision at the counter does:
 * another card checks the entry again with it, a card pulled out sends the form back for the patient's ID.
 */
import { cleanup } from "ink-testing-library";
import { afterEach, describe, expect, it, vi } from "vitest";
import { KEY, renderApp } from "../test/support/ink-harness.js";
import { paperOffering, UNKNOWN_VISIT_ID } from "../test/support/paper-offer.js";

afterEach(() => cleanup());

const READER = "ACS ACR39U";
const WANG = { source: "ic-card" as const, nationalId: "A123456789", name: "王小明", birthDate: "0750315" as never };
const CHEN = { source: "ic-card" as const, nationalId: "F131104093", name: "陳大文", birthDate: "0600101" as never };

/** With Wang's card in the reader: scan, F9, fill the form (no patient rows: the card names the patient), check. */
async function paperDecisionWithCard() {
  const app = renderApp({ service: paperOffering("not-uploaded") });
  app.cards.send({ type: "reader-added", reader: READER });
  app.cards.send({ type: "card-inserted", reader: READER, identity: WANG });
  await app.waitFor("健保卡：王小明");
  await app.press(`${UNKNOWN_VISIT_ID}\r`);
  await app.waitFor("F9 依紙本輸入處方");
  await app.press(KEY.f9);
  await app.waitFor("依紙本輸入處方（健保署無法確認此處方");
  for (const v of ["3501200000", "", "0012", "113/04/09 10:00", "N", "1", "1", "7", "AC12345100 14"]) {
    await app.press(KEY.ctrlU, v, "\t");
  }
  await app.press(KEY.f9);
  await app.waitFor("F9 確認調劑");
  expect(app.service.callsOf("checkPaper")).toHaveLength(1);
  return app;
}

describe("a paper-entered decision and the card at hand", () => {
  it("another card: the entry is checked again with it, and F9 cannot dispense to the wrong person", async () => {
    const app = await paperDecisionWithCard();
    app.cards.send({ type: "card-removed", reader: READER });
    app.cards.send({ type: "card-inserted", reader: READER, identity: CHEN });
    await vi.waitFor(() =>
      expect(app.service.callsOf("checkPaper").at(-1)).toMatchObject({ card: { nationalId: "F131104093" } }),
    );
    const s = await app.waitFor("健保卡與處方箋不是同一人");
    expect(s).toContain("卡：陳大文");
    await app.press(KEY.f9);
    await app.waitFor("不可調劑，無法確認");
    expect(app.service.callsOf("dispensePaper")).toEqual([]);
  });

  it("the card pulled out: back to the form, which asks for the patient from the paper", async () => {
    const app = await paperDecisionWithCard();
    app.cards.send({ type: "card-removed", reader: READER });
    const s = await app.waitFor("請輸入病人身分證號");
    expect(s).toContain("依紙本輸入處方（健保署無法確認此處方");
    expect(s).toMatch(/處方院所代碼 +3501200000/);
    expect(s).not.toContain("F9 確認調劑");
    await app.press(KEY.f9);
    expect(app.service.callsOf("dispensePaper")).toEqual([]);
  });

  it("typed from the paper, then the card is put in: checked again with the card", async () => {
    const app = renderApp({ service: paperOffering("nhi-unreachable") });
    app.cards.send({ type: "reader-added", reader: READER });
    await app.press(`${UNKNOWN_VISIT_ID}\r`);
    await app.waitFor("F9 依紙本輸入處方");
    await app.press(KEY.f9);
    await app.waitFor("依紙本輸入處方（健保署無法確認此處方");
    const form = ["3501200000", "", "0012", "113/04/09 10:00", "N", "1", "1", "7", "AC12345100 14"];
    for (const v of [...form, "A123456789", "075/03/15", "忘記帶卡"]) await app.press(KEY.ctrlU, v, "\t");
    await app.press(KEY.f9);
    await app.waitFor("F9 覆核調劑");
    expect(app.service.callsOf("checkPaper").at(-1)).toMatchObject({ card: { source: "typed" } });
    app.cards.send({ type: "card-inserted", reader: READER, identity: WANG });
    await vi.waitFor(() =>
      expect(app.service.callsOf("checkPaper").at(-1)).toMatchObject({
        card: { source: "ic-card", nationalId: "A123456789" },
      }),
    );
    const s = await app.waitFor("健保卡相符");
    expect(s).toContain("F9 覆核調劑");
  });
});
