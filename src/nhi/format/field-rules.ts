/**
 * Typed access to `schemas/upload-format-2.0.json`, the single source of the upload format 2.0 field rules.
 * The file is read once and checked against the shape below; nothing else in the code base hardcodes field rules.
 */
import { readFileSync } from "node:fs";
import { z } from "zod/v4";

const conditionSchema = z
  .object({
    h01: z.array(z.string()).optional(),
    m07: z.array(z.string()).optional(),
    m07Not: z.array(z.string()).optional(),
    m12: z.array(z.string()).optional(),
    chronic: z.boolean().optional(),
    /** For MB2 fields: the order line's D02 is one of the list (a record-level rule never holds with it). */
    d02: z.array(z.string()).optional(),
    /** For emptyWhen: the NHI code to report instead of AF. */
    code: z.string().optional(),
  })
  .strict();

const fieldSchema = z
  .object({
    id: z.string().regex(/^(H0[01]|M\d\d|D\d\d)$/),
    segment: z.enum(["MSH", "MB1", "MB2"]),
    zh: z.string(),
    en: z.string(),
    type: z.enum(["alnum", "numeric", "date", "datetime", "code"]),
    maxLength: z.number().int().positive(),
    length: z.number().int().positive().optional(),
    kind: z.enum(["rocDate", "rocDateTime", "visitId", "nationalId", "institutionCode", "sequenceNumber"]).optional(),
    pattern: z.string().optional(),
    values: z.array(z.object({ code: z.string(), zh: z.string(), en: z.string() })).optional(),
    valuesComplete: z.boolean().optional(),
    min: z.number().optional(),
    max: z.number().optional(),
    requiredWhen: z.array(conditionSchema).optional(),
    emptyWhen: z.array(conditionSchema).optional(),
    note: z.string().optional(),
    /** Where the rule comes from: a seed and section, NHI's check table, [public] or an observed real file. */
    source: z.string().min(1),
  })
  .strict();

const codeRule = { code: z.string(), note: z.string().optional(), source: z.string().min(1) };
const recordRulesSchema = z.object({
  mb2RequiredWhen: z.object({ ...codeRule, when: z.array(conditionSchema) }),
  abnormalSequenceWhen: z.object({ ...codeRule, field: z.string(), when: z.array(conditionSchema) }),
  pharmacyCategory: z.object({ ...codeRule, field: z.string(), value: z.string(), when: z.array(conditionSchema) }),
  dispensingNoCancel: z.object({ ...codeRule, when: z.array(conditionSchema) }),
  refillCount: z.object({ ...codeRule, field: z.string(), min: z.number(), max: z.number() }),
  refillNumberWithinCount: z.object({ ...codeRule, field: z.string(), countField: z.string() }),
  chronicTotalMultiple: z.object({ ...codeRule, field: z.string(), daysField: z.string() }),
  originalBeforeOurs: z.object({ ...codeRule, field: z.string(), oursField: z.string() }),
  uniqueOrderNumber: z.object({ ...codeRule, field: z.string() }),
  kindNeedsCount: z.object({ ...codeRule, field: z.string(), countFields: z.record(z.string(), z.string()) }),
  missVisitId: z.object({
    ...codeRule,
    field: z.string(),
    value: z.string(),
    m12: z.string(),
    misplacedCode: z.string(),
  }),
  sm00VisitId: z.object({
    ...codeRule,
    value: z.string(),
    ownField: z.string(),
    originalField: z.string(),
    originalDateField: z.string(),
    mandatoryFrom: z.string(),
  }),
  placeholderVisitId: z.object({ ...codeRule, value: z.string(), fields: z.array(z.string()) }),
  virtualOrder: z.object({ ...codeRule, field: z.string(), pattern: z.string(), d02: z.array(z.string()) }),
});

const documentSchema = z.object({
  version: z.string(),
  recordRules: recordRulesSchema,
  encoding: z.string(),
  maxMb2PerRecord: z.number().int().positive(),
  segments: z.object({ MSH: z.array(fieldSchema), MB1: z.array(fieldSchema), MB2: z.array(fieldSchema) }),
});

export type FieldCondition = z.infer<typeof conditionSchema>;
export type FieldRule = z.infer<typeof fieldSchema> & { pattern?: string };
export type FieldKind = NonNullable<FieldRule["kind"]>;
export type Segment = FieldRule["segment"];
export type RecordRules = z.infer<typeof recordRulesSchema>;

export interface FieldRules {
  version: string;
  maxMb2PerRecord: number;
  msh: readonly FieldRule[];
  mb1: readonly FieldRule[];
  mb2: readonly FieldRule[];
  recordRules: RecordRules;
  /** Every field by id (H00, M15, D05, …). */
  byId: ReadonlyMap<string, FieldRule>;
  /** Allowed values of code lists by field id. */
  valueSets: ReadonlyMap<string, ReadonlySet<string>>;
  /** Compiled `pattern`s by field id. */
  patterns: ReadonlyMap<string, RegExp>;
}

export const SCHEMA_PATH = new URL("../../../schemas/upload-format-2.0.json", import.meta.url);

export function loadFieldRules(path: URL | string = SCHEMA_PATH): FieldRules {
  const raw: unknown = JSON.parse(readFileSync(path, "utf8"));
  const doc = documentSchema.parse(raw);
  const all = [...doc.segments.MSH, ...doc.segments.MB1, ...doc.segments.MB2];
  const byId = new Map<string, FieldRule>();
  const patterns = new Map<string, RegExp>();
  const valueSets = new Map<string, ReadonlySet<string>>();
  for (const rule of all) {
    if (rule.values) valueSets.set(rule.id, new Set(rule.values.map((v) => v.code)));
    if (byId.has(rule.id)) throw new Error(`duplicate field ${rule.id} in ${String(path)}`);
    byId.set(rule.id, rule);
    if (rule.pattern) patterns.set(rule.id, new RegExp(rule.pattern));
  }
  return {
    version: doc.version,
    maxMb2PerRecord: doc.maxMb2PerRecord,
    msh: doc.segments.MSH,
    mb1: doc.segments.MB1,
    mb2: doc.segments.MB2,
    recordRules: doc.recordRules,
    byId,
    valueSets,
    patterns,
  };
}

let cached: FieldRules | undefined;

/** The rules from `schemas/upload-format-2.0.json`, loaded once. */
export function fieldRules(): FieldRules {
  cached ??= loadFieldRules();
  return cached;
}

export function fieldRule(id: string): FieldRule | undefined {
  return fieldRules().byId.get(id.replace(/\[\d+\]$/, ""));
}
