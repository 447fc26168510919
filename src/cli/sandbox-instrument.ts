/**
 * `rxdesk sandbox clock|prescribe|dispense-elsewhere|cancel|restore|list --url …`: the sandbox as a test instrument,
 * over its HTTP endpoints (src/nhi/sandbox/README.md). Each prints the sandbox's JSON answer.
 */
import type { Command } from "commander";

export type SandboxCall = (url: string, path: string, method: string, body?: unknown) => Promise<unknown>;

function int(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n)) throw new Error(`--${name} must be a whole number (got ${value})`);
  return n;
}

function print(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function registerInstrument(sandbox: Command, call: SandboxCall): void {
  sandbox
    .command("clock")
    .description("show, set or advance the sandbox clock (--set ISO|yyyMMddHHmmss, --advance-days N, --reset)")
    .requiredOption("--url <url>", "the running sandbox")
    .option("--set <time>", "the clock reads this from now on")
    .option("--advance-days <days>", "move the clock forward (negative: back)")
    .option("--reset", "back to real time")
    .action(async (o: { url: string; set?: string; advanceDays?: string; reset?: boolean }) => {
      if (o.reset) return print(await call(o.url, "/v1/clock", "DELETE"));
      const days = o.advanceDays === undefined ? undefined : Number(o.advanceDays);
      if (days !== undefined && !Number.isFinite(days)) throw new Error("--advance-days must be a number");
      if (o.set === undefined && days === undefined) return print(await call(o.url, "/v1/clock", "GET"));
      print(
        await call(o.url, "/v1/clock", "PUT", {
          ...(o.set !== undefined ? { now: o.set } : {}),
          ...(days !== undefined ? { advanceDays: days } : {}),
        }),
      );
    });

  sandbox
    .command("prescribe")
    .description("seed a prescription as a clinic: refill count, days, with or without M18, prescriber name, G000")
    .requiredOption("--url <url>", "the running sandbox")
    .requiredOption("--prescriber <code>", "the prescribing institution (M17)")
    .requiredOption("--national-id <id>", "the patient")
    .option("--prescriber-name <name>", "the prescriber's name as NHI shows it")
    .option("--refills <n>", "refill count: 1 ordinary (default), 2–4 chronic")
    .option("--days <n>", "days per dispensing")
    .option("--at <yyyMMddHHmmss>", "the clinic's visit date-time (default: an hour ago on the sandbox clock)")
    .option("--birth-date <yyyMMdd>", "the patient's birth date")
    .option("--sequence-number <xxxx>", "the clinic's sequence number (M18 on our record)")
    .option("--without-sequence-number", "NHI does not know the sequence number (the J000 case)")
    .option("--new-contract", "a new-contract clinic (新特約): uploaded as H01=B, M13=G000")
    .option("--not-uploaded", "the clinic passed the card but has not uploaded yet (D024)")
    .action(
      async (o: {
        url: string;
        prescriber: string;
        nationalId: string;
        prescriberName?: string;
        refills?: string;
        days?: string;
        at?: string;
        birthDate?: string;
        sequenceNumber?: string;
        withoutSequenceNumber?: boolean;
        newContract?: boolean;
        notUploaded?: boolean;
      }) => {
        const refillCount = int("refills", o.refills);
        const days = int("days", o.days);
        print(
          await call(o.url, "/v1/prescriptions", "POST", {
            prescriberCode: o.prescriber,
            nationalId: o.nationalId,
            ...(o.prescriberName !== undefined ? { prescriberName: o.prescriberName } : {}),
            ...(refillCount !== undefined ? { refillCount } : {}),
            ...(days !== undefined ? { days } : {}),
            ...(o.at !== undefined ? { visitDateTime: o.at } : {}),
            ...(o.birthDate !== undefined ? { birthDate: o.birthDate } : {}),
            ...(o.sequenceNumber !== undefined ? { sequenceNumber: o.sequenceNumber } : {}),
            ...(o.withoutSequenceNumber ? { sequenceNumber: null } : {}),
            ...(o.newContract ? { newContract: true } : {}),
            ...(o.notUploaded ? { upload: false } : {}),
          }),
        );
      },
    );

  sandbox
    .command("dispense-elsewhere")
    .description("another pharmacy dispenses a refill (its card pass and upload); prints what NHI answered")
    .requiredOption("--url <url>", "the running sandbox")
    .requiredOption("--visit-id <m16>", "the prescription's visit ID")
    .requiredOption("--institution <code>", "the other pharmacy")
    .requiredOption("--refill <n>", "refill number")
    .option("--name <name>", "the other pharmacy's name")
    .option("--at <yyyMMddHHmmss>", "when (default: the sandbox clock)")
    .action(
      async (o: { url: string; visitId: string; institution: string; refill: string; name?: string; at?: string }) => {
        print(
          await call(o.url, `/v1/prescriptions/${encodeURIComponent(o.visitId)}/dispensings`, "POST", {
            institutionCode: o.institution,
            refillNo: int("refill", o.refill),
            ...(o.name !== undefined ? { institutionName: o.name } : {}),
            ...(o.at !== undefined ? { at: o.at } : {}),
          }),
        );
      },
    );

  for (const [name, path, what] of [
    ["cancel", "cancellations", "the prescriber cancels an undispensed refill (H01=C)"],
    ["restore", "restorations", "the prescriber restores a cancelled refill (H01=E)"],
  ] as const) {
    sandbox
      .command(name)
      .description(what)
      .requiredOption("--url <url>", "the running sandbox")
      .requiredOption("--visit-id <m16>", "the prescription's visit ID")
      .requiredOption("--refill <n>", "refill number (2 or later)")
      .action(async (o: { url: string; visitId: string; refill: string }) => {
        print(
          await call(o.url, `/v1/prescriptions/${encodeURIComponent(o.visitId)}/${path}`, "POST", {
            refillNo: int("refill", o.refill),
          }),
        );
      });
  }

  sandbox
    .command("list")
    .description("what the sandbox holds: its clock, institutions, prescriptions and their refills")
    .requiredOption("--url <url>", "the running sandbox")
    .action(async (o: { url: string }) => print(await call(o.url, "/v1/state", "GET")));
}
