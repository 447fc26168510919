/**
 * `rxdesk dispense <visit-id>`: check a scanned visit ID and dispense the refill that is due, for scripts and
 * counters without the terminal UI. Exit codes: 0 dispensed (or checked with --check), 2 blocked, 3 NHI
 * unreachable and no --override-reason, 1 error.
 */
import type { Command } from "commander";
import { rxdeskConfig } from "../../config.js";
import { type Locale, localize } from "../../domain/message.js";
import { checkNationalId } from "../../domain/national-id.js";
import { formatRocDate, formatRocDateTime, type RocDateTime } from "../../domain/roc-date.js";
import { createRxdesk } from "../../service/bootstrap.js";
import type { CardIdentity, Decision } from "../../service/types.js";

export interface CommonServiceOptions {
  dataDir?: string;
  nhiUrl?: string;
  demo?: boolean;
  lang?: string;
  json?: boolean;
}

export function addServiceOptions(cmd: Command): Command {
  return cmd
    .option("--data-dir <dir>", "data folder (default RXDESK_DATA_DIR or ./data)")
    .option("--nhi-url <url>", "standalone NHI sandbox / endpoint (default: in-process sandbox)")
    .option("--demo", "seed the sandbox demo scenarios on first run")
    .option("--lang <lang>", "zh-TW (default) or en", "zh-TW")
    .option("--json", "print JSON");
}

export function localeOf(lang: string | undefined): Locale {
  return lang === "en" ? "en" : "zh-TW";
}

function printDecision(decision: Decision, locale: Locale): void {
  const out = (s: string) => process.stdout.write(`${s}\n`);
  out(`${localize(decision.headline, locale)}${decision.refillNo ? `  [#${decision.refillNo}]` : ""}`);
  if (decision.originalVisitId) out(`M16 ${decision.originalVisitId}`);
  const p = decision.prescription;
  if (p) {
    out(
      `${p.nationalId}  ${p.prescriberInstitutionCode}${p.prescriberName ? ` ${p.prescriberName}` : ""}  ${formatRocDateTime(
        p.originalVisitDateTime,
      )}  ${p.chronic ? `${locale === "en" ? "chronic" : "慢箋"} ${p.refillCount}×${p.daysPerRefill}` : `${p.daysPerRefill}d`}`,
    );
  }
  if (decision.window) {
    out(
      `${locale === "en" ? "window" : "可調劑期間"} ${formatRocDate(decision.window.from)}～${formatRocDate(decision.window.to)}`,
    );
  }
  for (const r of decision.reasons) {
    out(`  [${r.severity}] ${r.code}${r.nhiCode ? ` ${r.nhiCode}` : ""}: ${localize(r.message, locale)}`);
  }
}

export function register(program: Command): void {
  const cmd = program
    .command("dispense")
    .description("check a scanned visit ID (M16) and dispense the due refill (調劑)")
    .argument("<visit-id>", "the visit ID printed on the prescription (M16)")
    .option("--pharmacist <id>", "pharmacist national ID (M06); default RXDESK_PHARMACIST_ID")
    .option("--override-reason <text>", "pharmacist's reason to dispense while NHI is unreachable (abnormal, H01=B)")
    .option(
      "--abnormal-code <code>",
      "the cause with --override-reason: A000/A001 card equipment, A010/A011 reader, A020/A021 network (default), A030/A031 security module, B000 chip, C001 exception visit, E000 NHI-confirmed outage",
    )
    .option("--national-id <id>", "patient national ID read from the card (required for chronic refills)")
    .option("--card-number <no>", "NHI card number (M02)")
    .option("--virtual-card", "the identity came from a virtual NHI card")
    .option("--days <n>", "days supplied this time (default: the prescription's days)")
    .option("--supplement-at <yyyMMddHHmmss>", "補卡: the actual visit date-time when the card was not shown then")
    .option("--supplement-visit-id <id>", "補卡: the visit ID kept at that visit (omit: M52 = MISS)")
    .option(
      "--j000-confirmed",
      "M18 = J000: you checked the NHI cloud medication record and asked the prescribing clinic, neither had it",
    )
    .option("--check", "only check, do not dispense");
  addServiceOptions(cmd).action(
    async (
      visitId: string,
      opts: CommonServiceOptions & {
        pharmacist?: string;
        overrideReason?: string;
        abnormalCode?: string;
        j000Confirmed?: boolean;
        nationalId?: string;
        cardNumber?: string;
        virtualCard?: boolean;
        days?: string;
        check?: boolean;
        supplementAt?: string;
        supplementVisitId?: string;
      },
    ) => {
      const locale = localeOf(opts.lang);
      let card: CardIdentity | undefined;
      if (opts.nationalId) {
        const id = checkNationalId(opts.nationalId);
        if (!id.valid) {
          process.stderr.write(`${localize(id.reason, locale)}\n`);
          process.exitCode = 1;
          return;
        }
        card = { source: opts.virtualCard ? "virtual-card" : "ic-card", nationalId: id.nationalId };
        if (opts.cardNumber) card.cardNumber = opts.cardNumber;
      }
      const days = opts.days !== undefined ? Number(opts.days) : undefined;
      if (days !== undefined && (!Number.isInteger(days) || days < 1)) {
        process.stderr.write(locale === "en" ? `--days must be a positive whole number\n` : "--days 須為正整數\n");
        process.exitCode = 1;
        return;
      }
      const rx = await createRxdesk({ dataDir: opts.dataDir, nhiUrl: opts.nhiUrl, demo: opts.demo });
      try {
        const decision = await rx.service.check({ visitIdInput: visitId, card });
        if (opts.check || decision.outcome === "block") {
          if (opts.json) process.stdout.write(`${JSON.stringify({ decision }, null, 2)}\n`);
          else printDecision(decision, locale);
          process.exitCode = decision.outcome === "block" ? 2 : 0;
          return;
        }
        const pharmacistId = opts.pharmacist ?? rxdeskConfig().pharmacistId;
        if (!pharmacistId) {
          printDecision(decision, locale);
          process.stderr.write(
            locale === "en"
              ? "--pharmacist <national ID> (or RXDESK_PHARMACIST_ID) is required to dispense\n"
              : "調劑須指定藥師身分證號：--pharmacist（或 RXDESK_PHARMACIST_ID）\n",
          );
          process.exitCode = 1;
          return;
        }
        const result = await rx.service.dispense({
          visitIdInput: visitId,
          refillNo: decision.refillNo ?? 1,
          pharmacistId,
          card,
          ...(opts.overrideReason
            ? {
                override: {
                  reason: opts.overrideReason,
                  ...(opts.abnormalCode ? { abnormalCode: opts.abnormalCode } : {}),
                },
              }
            : {}),
          ...(days !== undefined ? { days } : {}),
          ...(opts.j000Confirmed ? { j000Confirmation: { cloudRecordChecked: true, prescriberAsked: true } } : {}),
          ...(opts.supplementAt
            ? {
                supplement: {
                  actualVisitDateTime: opts.supplementAt as RocDateTime,
                  ...(opts.supplementVisitId ? { actualVisitId: opts.supplementVisitId } : {}),
                },
              }
            : {}),
          terminalId: "cli",
        });
        if (opts.json) {
          process.stdout.write(`${JSON.stringify({ decision, result }, null, 2)}\n`);
        } else {
          printDecision(decision, locale);
          if (result.ok) {
            const d = result.dispensing;
            process.stdout.write(
              `${locale === "en" ? "Dispensed" : "已調劑"}: M15 ${d.visitId}  #${d.refillNo}  ${d.days}d  ${formatRocDateTime(
                d.visitDateTime,
              )}${d.abnormalCode ? `  H01=B ${d.abnormalCode}` : ""}${d.j000 ? "  M18=J000" : ""}  id ${d.id}\n`,
            );
            if (result.nextRefill) {
              process.stdout.write(
                `${locale === "en" ? "Next refill" : "下次領藥"} #${result.nextRefill.refillNo}: ${formatRocDate(
                  result.nextRefill.window.from,
                )}～${formatRocDate(result.nextRefill.window.to)}\n`,
              );
            }
          } else {
            for (const r of result.reasons) process.stderr.write(`${r.code}: ${localize(r.message, locale)}\n`);
          }
        }
        process.exitCode = result.ok ? 0 : result.kind === "override" ? 3 : 2;
      } finally {
        await rx.close();
      }
    },
  );
}
