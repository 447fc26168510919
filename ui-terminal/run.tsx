/**
 * Starts the terminal UI on the embedded default: SQLite file + in-process NHI sandbox (demo data on first run),
 * the card watcher when pcscd is there, reports for slips and exports. Resolves when the pharmacist quits.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { render } from "ink";
import { DEMO_PHARMACIST_ID, dataDirOf, rxdeskConfig } from "../src/config.js";
import type { Locale } from "../src/domain/message.js";
import type { RocDate } from "../src/domain/roc-date.js";
import type { NhiClient } from "../src/nhi/client.js";
import type { Rxdesk } from "../src/service/bootstrap.js";
import type { DispensingServiceApi } from "../src/service/types.js";
import { App, type AppProps } from "./App.js";
import type { UiActions } from "./actions.js";
import { bufferCardEvents, type CardSource } from "./card-state.js";
import { exportRefillLogFile } from "./export-log.js";

/**
 * Ink's render options for the counter. Ink paints at most `maxFps` frames a second and holds a frame back until the
 * interval since the last one has passed, so the interval bounds how late a keystroke can appear: 120 keeps it under
 * 9 ms (one 60 Hz frame would allow 17 ms). Our frames take a few milliseconds, so the extra frames cost little.
 */
export const RENDER_OPTIONS = { exitOnCtrlC: false, maxFps: 120 } as const;

export interface RunUiOptions {
  dataDir?: string;
  nhiUrl?: string;
  locale?: Locale;
  /** M06; default RXDESK_PHARMACIST_ID, else the demo pharmacist. */
  pharmacistId?: string;
  /** Seed the sandbox's demo prescriptions on the first run (default true). */
  demo?: boolean;
  /** Do not look for a card reader (pcscd). */
  noCard?: boolean;
  /** Only this PC/SC reader (default: all). */
  reader?: string;
  /** Upload the outbox this often (ms); 0 = only on request (F6 U). */
  outboxIntervalMs?: number;
  notice?: string;
}

/** Card watcher, if the native PC/SC binding loads; the UI shows "no reader" otherwise. */
async function startCards(reader?: string): Promise<{ source?: CardSource; stop(): Promise<void> }> {
  try {
    const { createCardWatcher } = await import("../src/card/watcher.js");
    const watcher = createCardWatcher(reader ? { readers: [reader] } : {});
    const source = bufferCardEvents(watcher as unknown as CardSource);
    void watcher.start().catch(() => undefined);
    return { source, stop: () => watcher.stop() };
  } catch {
    return { stop: async () => undefined };
  }
}

export function reportActions(rx: Rxdesk, dataDir: string, nhiUrl?: string): UiActions {
  const pharmacy = {
    name: rx.pharmacy.name ?? rx.pharmacy.pharmacyCode,
    pharmacyCode: rx.pharmacy.pharmacyCode,
  };
  let nhi: NhiClient | undefined = rx.sandbox?.client;
  return {
    async verifyVirtualCard(token) {
      if (!nhi && nhiUrl) {
        const { createHttpNhiClient } = await import("../src/nhi/sandbox/http-client.js");
        nhi = createHttpNhiClient(nhiUrl);
      }
      if (!nhi) throw new Error("no NHI client");
      const r = await nhi.verifyVirtualCard({ institutionCode: rx.pharmacy.pharmacyCode }, token);
      if (!r.valid) return { ok: false, message: r.message };
      return {
        ok: true,
        identity: {
          source: "virtual-card",
          nationalId: r.nationalId,
          name: r.name,
          birthDate: r.birthDate as RocDate | undefined,
          proxy: r.proxy,
        },
      };
    },
    async printSlip(dispensingId, locale) {
      const [{ buildSlipData }, { renderSlipPdf }] = await Promise.all([
        import("../src/reports/slip-data.js"),
        import("../src/reports/slip-pdf.js"),
      ]);
      const data = await buildSlipData(rx.service, { dispensingId, pharmacy });
      const pdf = await renderSlipPdf(data, { size: "80mm", locale });
      const dir = join(dataDir, "slips");
      await mkdir(dir, { recursive: true });
      const path = join(dir, `slip-${dispensingId}.pdf`);
      await writeFile(path, pdf);
      return { path };
    },
    exportRefillLog: (query, format, locale) => exportRefillLogFile(rx, { dataDir, pharmacy }, query, format, locale),
  };
}

/**
 * The service as the UI sees it while the database and the sandbox are still opening: every call waits for them.
 * The first screen (scan field, keys) is drawn at once; a scan typed meanwhile is checked as soon as they are open.
 */
export function deferredService(ready: Promise<DispensingServiceApi>): DispensingServiceApi {
  return new Proxy({} as DispensingServiceApi, {
    get(_target, name: string) {
      return async (...args: unknown[]) => {
        const service = await ready;
        const method = (service as unknown as Record<string, (...a: unknown[]) => unknown>)[name];
        if (typeof method !== "function") throw new TypeError(`the dispensing service has no ${name}()`);
        return method.apply(service, args);
      };
    },
  });
}

function deferredActions(ready: Promise<UiActions>): UiActions {
  return {
    printSlip: async (...a) => (await ready).printSlip!(...a),
    exportRefillLog: async (...a) => (await ready).exportRefillLog!(...a),
    verifyVirtualCard: async (...a) => (await ready).verifyVirtualCard!(...a),
  };
}

const LINUX_CONSOLE_NOTICE = "Linux console cannot draw Chinese: showing English (F2 switches; use fbterm for 中文)";

export async function runUi(options: RunUiOptions): Promise<void> {
  const dataDir = dataDirOf(options.dataDir);
  await mkdir(dataDir, { recursive: true });
  const cards = options.noCard ? { source: undefined, stop: async () => undefined } : await startCards(options.reader);
  // Opening the database and the sandbox runs while the first screen is drawn.
  const opening = import("../src/service/bootstrap.js").then(({ createRxdesk }) =>
    createRxdesk({ dataDir, nhiUrl: options.nhiUrl, demo: options.demo ?? true }),
  );
  opening.catch(() => undefined);
  const config = rxdeskConfig();
  // The kernel's text console has no CJK glyphs: Chinese would show as blocks, so it starts in English.
  const englishConsole = options.locale === undefined && config.linuxConsole;
  const props: AppProps = {
    service: deferredService(opening.then((rx) => rx.service)),
    pharmacistId: options.pharmacistId ?? config.pharmacistId ?? DEMO_PHARMACIST_ID,
    cards: cards.source,
    actions: deferredActions(opening.then((rx) => reportActions(rx, dataDir, options.nhiUrl))),
    locale: englishConsole ? "en" : options.locale,
    notice: englishConsole ? LINUX_CONSOLE_NOTICE : options.notice,
    columns: process.stdout.columns,
    rows: process.stdout.rows,
  };
  let extra: Partial<AppProps> = {};
  const app = render(<App {...props} />, RENDER_OPTIONS);
  // The layout follows the terminal: a resized window is redrawn at its new size.
  const onResize = () =>
    app.rerender(<App {...props} {...extra} columns={process.stdout.columns} rows={process.stdout.rows} />);
  process.stdout.on("resize", onResize);
  let rx: Rxdesk;
  try {
    rx = await opening;
  } catch (error) {
    process.stdout.off("resize", onResize);
    app.unmount();
    await cards.stop().catch(() => undefined);
    throw error;
  }
  const demoCases = rx.demo ? (await import("../src/demo/cases.js")).demoList(rx.demo) : undefined;
  extra = { pharmacyName: rx.pharmacy.name, demoCases, ...(rx.demoUnavailable ? { notice: rx.demoUnavailable } : {}) };
  onResize();
  const interval = options.outboxIntervalMs ?? 60_000;
  const outboxTimer =
    interval > 0 ? setInterval(() => void rx.service.runOutbox().catch(() => undefined), interval) : undefined;
  try {
    await app.waitUntilExit();
  } finally {
    clearInterval(outboxTimer);
    process.stdout.off("resize", onResize);
    await cards.stop().catch(() => undefined);
    await rx.close();
  }
}
