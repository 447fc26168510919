/**
 * `rxdesk paper check|dispense <prescription.json>`: a prescription entered from the paper (issue 15), for when the
 * scan cannot decide — NHI unreachable and never seen here, D024 (not uploaded yet), SM00. The file holds the paper's
 * fields (schemas/api/paper.ts `PaperPrescription`); the patient comes from the card options or is typed with a
 * reason. Exit codes: 0 checked/dispensed, 2 refused (each bad field named), 3 a reason is needed (NHI unreachable:
 * --override-reason; D024 on a chronic refill 2+: --not-uploaded-reason; J000: --j000-confirmed), 1 error.
 */
import type { Command } from "commander";
import { paperPrescriptionSchema } from "../../../schemas/api/paper.js";
import { rxdeskConfig } from "../../config.js";
import { type Locale, localize } from "../../domain/message.js";
import { checkNationalId } from "../../domain/national-id.js";
import { formatRocDateTime } from "../../domain/roc-date.js";
import { createRxdesk } from "../../service/bootstrap.js";
import type { CardIdentity, DecisionReason, PaperDispenseRequest } from "../../service/types.js";
import { CliError } from "../errors.js";
import { readBoundedFile } from "../read-input.js";
import { addServiceOptions, type CommonServiceOptions, localeOf } from "./dispense.js";

/** A paper prescription is a few hundred bytes; 500 order lines stay far below this. */
const MAX_PAPER_BYTES = 1024 * 1024;

interface PaperOptions extends CommonServiceOptions {
  nationalId: string;
  cardNumber?: string;
  virtualCard?: boolean;
  typedReason?: string;
  pharmacist?: string;
  overrideReason?: string;
  abnormalCode?: string;
  notUploadedReason?: string;
  j000Confirmed?: boolean;
  days?: string;
}

function fail(zh: string, en: string, locale: Locale): never {
  throw new CliError(locale === "en" ? en : zh);
}

function paperFrom(file: string, locale: Locale) {
  let json: unknown;
  try {
    json = JSON.parse(readBoundedFile(file, MAX_PAPER_BYTES).toString("utf8"));
  } catch {
    fail(`${file} 不是JSON檔`, `${file} is not a JSON file`, locale);
  }
  const parsed = paperPrescriptionSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "(file)"}: ${i.message}`).join("; ");
    fail(`紙本處方檔格式不符：${problems}`, `The paper prescription file does not fit: ${problems}`, locale);
  }
  return parsed.data;
}

function cardFrom(opts: PaperOptions, locale: Locale): CardIdentity {
  const id = checkNationalId(opts.nationalId);
  if (!id.valid) throw new CliError(localize(id.reason, locale));
  if (opts.typedReason !== undefined) {
    return { source: "typed", nationalId: id.nationalId, typedReason: opts.typedReason };
  }
  const card: CardIdentity = { source: opts.virtualCard ? "virtual-card" : "ic-card", nationalId: id.nationalId };
  if (opts.cardNumber) card.cardNumber = opts.cardNumber;
  return card;
}

function requestFrom(file: string, opts: PaperOptions, locale: Locale): Omit<PaperDispenseRequest, "pharmacistId"> {
  const days = opts.days !== undefined ? Number(opts.days) : undefined;
  if (days !== undefined && (!Number.isInteger(days) || days < 1)) {
    fail("--days 須為正整數", "--days must be a positive whole number", locale);
  }
  return {
    paper: paperFrom(file, locale),
    card: cardFrom(opts, locale),
    ...(opts.overrideReason
      ? { override: { reason: opts.overrideReason, ...(opts.abnormalCode ? { abnormalCode: opts.abnormalCode } : {}) } }
      : {}),
    ...(opts.notUploadedReason ? { notUploadedOverride: { reason: opts.notUploadedReason } } : {}),
    ...(opts.j000Confirmed ? { j000Confirmation: { cloudRecordChecked: true, prescriberAsked: true } } : {}),
    ...(days !== undefined ? { days } : {}),
    terminalId: "cli",
  };
}

function printReasons(reasons: DecisionReason[], locale: Locale, to: NodeJS.WriteStream): void {
  for (const r of reasons) {
    const where = r.field ? ` ${r.field}` : "";
    to.write(
      `  [${r.severity}] ${r.code}${r.nhiCode ? ` ${r.nhiCode}` : ""}${where}: ${localize(r.message, locale)}\n`,
    );
  }
}

function addPaperOptions(cmd: Command): Command {
  return addServiceOptions(
    cmd
      .argument("<prescription.json>", "the paper's fields as JSON (PaperPrescription in schemas/openapi.json)")
      .requiredOption("--national-id <id>", "the patient's national ID (from the card, or typed from the paper)")
      .option("--card-number <no>", "NHI card number (M02)")
      .option("--virtual-card", "the identity came from a virtual NHI card")
      .option("--typed-reason <text>", "no card was read: the ID was typed from the paper, and why")
      .option("--override-reason <text>", "NHI unreachable: the pharmacist's reason (abnormal upload H01=B)")
      .option("--abnormal-code <code>", "the cause with --override-reason (default A020, network; see dispense --help)")
      .option("--not-uploaded-reason <text>", "D024 on a chronic refill 2+: dispense anyway, for this reason (audited)")
      .option("--j000-confirmed", "M18 unknown on refill 2+: you checked the cloud medication record and the clinic")
      .option("--days <n>", "days supplied this time (default: the paper's M20)"),
  );
}

export function register(program: Command): void {
  const paper = program
    .command("paper")
    .description("a prescription entered from the paper when the scan cannot decide (依紙本輸入處方)");
  addPaperOptions(
    paper.command("check").description("check the paper's fields and the decision; writes nothing"),
  ).action(async (file: string, opts: PaperOptions) => {
    const locale = localeOf(opts.lang);
    const request = requestFrom(file, opts, locale);
    const rx = await createRxdesk({ dataDir: opts.dataDir, nhiUrl: opts.nhiUrl, demo: opts.demo });
    try {
      const result = await rx.service.checkPaper(request);
      if (opts.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      else {
        const head = result.ok
          ? `${locale === "en" ? "OK" : "可調劑"} (${result.cause}, ${result.outcome}) #${result.refillNo}`
          : `${locale === "en" ? "Refused" : "不可調劑"} (${result.kind})`;
        process.stdout.write(`${head}\n`);
        printReasons(result.reasons, locale, process.stdout);
      }
      process.exitCode = result.ok ? 0 : result.kind === "override" ? 3 : 2;
    } finally {
      await rx.close();
    }
  });
  addPaperOptions(paper.command("dispense").description("dispense it (unverified until NHI's re-check)")).action(
    async (file: string, opts: PaperOptions) => {
      const locale = localeOf(opts.lang);
      const request = requestFrom(file, opts, locale);
      const pharmacistId = opts.pharmacist ?? rxdeskConfig().pharmacistId;
      if (!pharmacistId) {
        fail(
          "調劑須指定藥師身分證號：--pharmacist（或 RXDESK_PHARMACIST_ID）",
          "--pharmacist <national ID> (or RXDESK_PHARMACIST_ID) is required to dispense",
          locale,
        );
      }
      const rx = await createRxdesk({ dataDir: opts.dataDir, nhiUrl: opts.nhiUrl, demo: opts.demo });
      try {
        const result = await rx.service.dispensePaper({ ...request, pharmacistId });
        if (opts.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        else if (result.ok) {
          const d = result.dispensing;
          process.stdout.write(
            `${locale === "en" ? "Dispensed from the paper" : "已依紙本調劑"}: M15 ${d.visitId}  #${d.refillNo}  ${d.days}d  ${formatRocDateTime(
              d.visitDateTime,
            )}${d.abnormalCode ? `  H01=B ${d.abnormalCode}` : ""}  ${d.paperEntry}  ${d.verification}  id ${d.id}\n`,
          );
        } else printReasons(result.reasons, locale, process.stderr);
        process.exitCode = result.ok ? 0 : result.kind === "override" ? 3 : 2;
      } finally {
        await rx.close();
      }
    },
  );
  for (const sub of paper.commands)
    sub.option("--pharmacist <id>", "pharmacist national ID (M06); default RXDESK_PHARMACIST_ID");
}
