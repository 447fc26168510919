/**
 * `rxdesk card read|watch|virtual`: the NHI IC card at the counter (PC/SC via pcscd), and a virtual card for demos.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { CardError, cardErrors } from "../../card/errors.js";
import { mapPcscError } from "../../card/pcsc-errors.js";
import type { NhiCardProfile } from "../../card/profile.js";
import { readCard } from "../../card/read.js";
import { CARD_FIXTURE_DIR, loadCardFixture } from "../../card/virtual-card/fixture.js";
import { VirtualNhiCard } from "../../card/virtual-card/virtual-card.js";
import { VPCD_BASE_PORT } from "../../card/virtual-card/vpcd-protocol.js";
import { createCardWatcher } from "../../card/watcher.js";
import { formatRocDate } from "../../domain/roc-date.js";

function display(profile: NhiCardProfile) {
  return {
    birthDate: formatRocDate(profile.birthDate),
    issueDate: formatRocDate(profile.issueDate),
    sex: profile.sex === "M" ? "男 / male" : "女 / female",
    ...(profile.nameUserDefinedChars > 0
      ? { note: "姓名含造字，請核對證件 / the name holds user-defined characters: check the ID document" }
      : {}),
  };
}

function explain(error: CardError): string {
  return `${error.reason.zh}\n${error.reason.en}\n`;
}

/** Ends the process even if a native PC/SC call is still stuck (a mute card blocks its reader until pulled). */
function finish(code: number): void {
  process.exitCode = code;
  setTimeout(() => process.exit(code), 1500).unref();
}

function resolveProfile(profile: string): string {
  if (existsSync(profile)) return profile;
  const fixture = join(CARD_FIXTURE_DIR, `${profile}.json`);
  if (existsSync(fixture)) return fixture;
  throw new Error(`no such card profile: ${profile} (a file, or one of the ids in fixtures/cards)`);
}

export function register(program: Command): void {
  const card = program.command("card").description("NHI IC card (健保卡) over PC/SC");

  card
    .command("read")
    .description("read the NHI card in a reader and print it as JSON (includes the national ID)")
    .option("--reader <name>", "reader name (default: the reader holding a card)")
    .option("--wait <seconds>", "wait this long for a card to be inserted", "0")
    .option("--timeout <ms>", "per-command timeout before a card counts as mute", "5000")
    .action(async (options: { reader?: string; wait: string; timeout: string }) => {
      try {
        const result = await readCard({
          reader: options.reader,
          waitForCardMs: Number(options.wait) * 1000,
          commandTimeoutMs: Number(options.timeout),
        });
        process.stdout.write(
          `${JSON.stringify(
            {
              ok: true,
              reader: result.reader,
              atr: result.atr,
              identity: result.identity,
              profile: result.profile,
              display: display(result.profile),
              timings: result.timings,
            },
            null,
            2,
          )}\n`,
        );
        finish(0);
      } catch (error) {
        const cardError = error instanceof CardError ? error : mapPcscError(error);
        process.stdout.write(`${JSON.stringify({ ok: false, error: cardError.toPlain() })}\n`);
        process.stderr.write(explain(cardError));
        finish(2);
      }
    });

  card
    .command("watch")
    .description("print reader and card events as JSON lines until Ctrl-C")
    .option("--reader <name...>", "only these readers")
    .option("--timeout <ms>", "per-command timeout before a card counts as mute", "5000")
    .action(async (options: { reader?: string[]; timeout: string }) => {
      const watcher = createCardWatcher({ readers: options.reader, commandTimeoutMs: Number(options.timeout) });
      watcher.on("event", (event) => {
        const line =
          event.type === "error"
            ? { type: "error", reader: event.reader, error: event.error.toPlain() }
            : event.type === "card-inserted"
              ? { ...event, display: display(event.profile) }
              : event;
        process.stdout.write(`${JSON.stringify({ at: new Date().toISOString(), ...line })}\n`);
      });
      const stop = () => {
        process.off("SIGINT", stop);
        process.off("SIGTERM", stop);
        void watcher.stop().then(() => finish(0));
      };
      process.on("SIGINT", stop);
      process.on("SIGTERM", stop);
      await watcher.start();
    });

  card
    .command("virtual")
    .description("run a virtual NHI card in a vpcd reader (for demos and tests) until Ctrl-C")
    .requiredOption("--profile <file>", "card fixture JSON (a path, or an id from fixtures/cards such as citizen-wang)")
    .option(
      "--port <port>",
      `vpcd port (${VPCD_BASE_PORT} = "Virtual PCD 00 00", ${VPCD_BASE_PORT + 1} = "00 01")`,
      String(VPCD_BASE_PORT),
    )
    .option("--host <host>", "vpcd host", "127.0.0.1")
    .option("--verbose", "log every APDU")
    .action(async (options: { profile: string; port: string; host: string; verbose?: boolean }) => {
      const file = resolveProfile(options.profile);
      const fixture = loadCardFixture(file);
      const virtualCard = VirtualNhiCard.fromFixture(fixture, {
        host: options.host,
        port: Number(options.port),
        log: options.verbose ? (line) => process.stderr.write(`${line}\n`) : undefined,
      });
      try {
        await virtualCard.insert();
      } catch (error) {
        const e = cardErrors.pcscdNotRunning(error instanceof Error ? error.message : String(error));
        process.stderr.write(
          `無法連上虛擬讀卡機 vpcd（${options.host}:${options.port}）；pcscd 與 vsmartcard-vpcd 是否已啟動？\n` +
            `Cannot reach the vpcd virtual reader at ${options.host}:${options.port}; are pcscd and vsmartcard-vpcd running?\n`,
        );
        process.stdout.write(`${JSON.stringify({ ok: false, error: e.toPlain() })}\n`);
        finish(2);
        return;
      }
      process.stderr.write(
        `虛擬健保卡「${fixture.id}」已插入 ${virtualCard.readerName}；按 Ctrl-C 取出。\n` +
          `Virtual NHI card "${fixture.id}" inserted in ${virtualCard.readerName}; press Ctrl-C to remove it.\n`,
      );
      virtualCard.on("removed", () => {
        process.stderr.write("讀卡機已斷線 / the reader closed the connection\n");
        finish(0);
      });
      const stop = () => {
        void virtualCard.remove().then(() => finish(0));
      };
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
}
