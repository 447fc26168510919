/** F10: rxdesk asks before quitting, and the question takes the keys while it is asked. */
import { cleanup } from "ink-testing-library";
import { afterEach, describe, expect, it, vi } from "vitest";
import { KEY, renderApp } from "../test/support/ink-harness.js";

afterEach(() => cleanup());

describe("quitting (F10)", () => {
  it("F10 asks before quitting", async () => {
    const app = renderApp();
    await app.press(KEY.f10);
    await app.waitFor("確定結束 rxdesk？");
    await app.press(KEY.esc);
    await vi.waitFor(() => expect(app.screen()).not.toContain("確定結束"));
    expect(app.onQuit).not.toHaveBeenCalled();
    await app.press(KEY.f10, "y");
    await vi.waitFor(() => expect(app.onQuit).toHaveBeenCalled());
  });

  it("F10 and Y in one burst quit: the Y answers the question, not the scan field", async () => {
    const app = renderApp();
    await app.waitFor("掃描就醫識別碼");
    await app.press(`${KEY.f10}y`);
    await vi.waitFor(() => expect(app.onQuit).toHaveBeenCalled());
  });

  it("asked on the upload queue, Y quits and retries nothing (the queue's own Y)", async () => {
    const app = renderApp();
    await app.press(KEY.f6);
    await app.waitFor("H01=A");
    await app.press(KEY.f10);
    await app.waitFor("確定結束 rxdesk？");
    await app.press("y");
    await vi.waitFor(() => expect(app.onQuit).toHaveBeenCalled());
    expect(app.service.callsOf("retryOutboxEntry")).toEqual([]);
  });
});
