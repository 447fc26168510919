import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it, onTestFinished } from "vitest";
import { runRxdesk } from "../../../test/support/process.js";
import { createHttpNhiClient } from "../../nhi/sandbox/index.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "rxdesk-sandbox-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function start(...args: string[]): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], { cwd: root });
}

const run = runRxdesk;

describe("rxdesk sandbox", { timeout: 180_000 }, () => {
  it("serves on a free port with seeded scenarios, keeps state in its file, and stops on SIGTERM", async () => {
    const file = join(dir, "state.sqlite");
    const child = start("sandbox", "--port", "0", "--file", file, "--seed", "5901010001");
    // A failed expectation must not leave the sandbox serving after the test.
    onTestFinished(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    });
    const first = await new Promise<string>((resolve, reject) => {
      let buffer = "";
      child.stdout.on("data", (d: Buffer) => {
        buffer += d.toString("utf8");
        const nl = buffer.indexOf("\n");
        if (nl >= 0) resolve(buffer.slice(0, nl));
      });
      child.on("close", (code) => reject(new Error(`sandbox exited early with ${code}`)));
    });
    const started = JSON.parse(first) as {
      url: string;
      state: string;
      scenarios: { cases: { dispensedElsewhere: { originalVisitId: string } } };
    };
    expect(started.state).toBe(file);
    const client = createHttpNhiClient(started.url);
    const status = await client.prescriptionStatus(
      { institutionCode: "5901010001" },
      started.scenarios.cases.dispensedElsewhere.originalVisitId,
    );
    expect(status.found && status.status.refills[1]!.state).toBe("dispensed");
    const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);

    // The state file holds the key: the CLI decodes a visit ID issued by the server.
    const decoded = await run(
      "sandbox",
      "visit-id",
      "--state",
      file,
      "--decode",
      started.scenarios.cases.dispensedElsewhere.originalVisitId,
    );
    expect(decoded.code).toBe(0);
    expect(JSON.parse(decoded.out)).toMatchObject({ institutionCode: "3501200000", offline: false });
  });
});
