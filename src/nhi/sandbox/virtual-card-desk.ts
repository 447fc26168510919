/** The sandbox's virtual-card tokens: issued by the app side (健保快易通), verified once by a pharmacy, revocable. */
import { msg } from "../../domain/message.js";
import { isRocDate } from "../../domain/roc-date.js";
import type { NhiCaller, VirtualCardResult } from "../client.js";
import type { DocWrite } from "./persistence.js";
import { requireNationalId, SandboxRequestError } from "./request-error.js";
import type { IssuedVirtualCard, IssueVirtualCardInput } from "./types.js";
import { newVirtualCardToken, type TokenDoc, VIRTUAL_CARD_TTL_MS, verifyToken } from "./virtual-cards.js";

export interface DeskDeps {
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
  write(batch: DocWrite[]): Promise<void>;
  now(): Date;
}

export class VirtualCardDesk {
  private readonly tokens = new Map<string, TokenDoc>();
  constructor(private readonly deps: DeskDeps) {}

  load(doc: TokenDoc): void {
    this.tokens.set(doc.token, doc);
  }

  issue(input: IssueVirtualCardInput): Promise<IssuedVirtualCard> {
    const nationalId = requireNationalId(input.nationalId);
    if (input.birthDate !== undefined && !isRocDate(input.birthDate)) {
      throw new SandboxRequestError(400, msg("出生日期應為民國日期", "The birth date must be a ROC date (yyyMMdd)"));
    }
    const proxyId = typeof input.proxy === "object" ? requireNationalId(input.proxy.nationalId) : undefined;
    return this.deps.exclusive(async () => {
      const issued = this.deps.now();
      const doc: TokenDoc = {
        token: newVirtualCardToken(),
        nationalId,
        proxy: !!input.proxy,
        issuedAt: issued.toISOString(),
        expiresAt: new Date(issued.getTime() + VIRTUAL_CARD_TTL_MS).toISOString(),
      };
      if (input.name !== undefined) doc.name = input.name;
      if (input.birthDate !== undefined) doc.birthDate = input.birthDate;
      if (proxyId !== undefined) doc.proxyNationalId = proxyId;
      this.tokens.set(doc.token, doc);
      await this.deps.write([{ kind: "token", id: doc.token, value: doc }]);
      return { token: doc.token, issuedAt: doc.issuedAt, expiresAt: doc.expiresAt };
    });
  }

  revoke(target: { token: string } | { nationalId: string }): Promise<number> {
    return this.deps.exclusive(async () => {
      const at = this.deps.now().toISOString();
      const batch: DocWrite[] = [];
      for (const doc of this.tokens.values()) {
        const match = "token" in target ? doc.token === target.token : doc.nationalId === target.nationalId;
        if (!match || doc.revokedAt || doc.usedAt) continue;
        const revoked = { ...doc, revokedAt: at };
        this.tokens.set(doc.token, revoked);
        batch.push({ kind: "token", id: doc.token, value: revoked });
      }
      await this.deps.write(batch);
      return batch.length;
    });
  }

  verify(caller: NhiCaller, token: string): Promise<VirtualCardResult> {
    const trimmed = token.trim();
    return this.deps.exclusive(async () => {
      const { result, used } = verifyToken(this.tokens.get(trimmed), trimmed, this.deps.now(), caller.institutionCode);
      if (used) {
        this.tokens.set(used.token, used);
        await this.deps.write([{ kind: "token", id: used.token, value: used }]);
      }
      return result;
    });
  }
}
