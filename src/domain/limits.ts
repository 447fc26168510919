/**
 * The chronic refill prescription limits, defined once. Where NHI's upload field rules
 * (`schemas/upload-format-2.0.json`) state a limit, that file is the source and `limits.test.ts` fails when the two
 * differ; the domain may not read the file itself (it imports nothing outside src/domain).
 */

/** M21 (total days of a chronic refill prescription) ≤ 90: the field rule's `max` for M21. */
export const MAX_TOTAL_DAYS = 90;
/** M20 (days supplied by one dispensing) ≤ 90: the field rule's `max` for M20. */
export const MAX_DAYS_PER_DISPENSING = 90;

/**
 * One dispensing of a chronic prescription supplies at most 30 days. A dispensing rule (domain.md §4 Rules), not an
 * upload check: the field rules do not state it, so it has no field-rule counterpart.
 */
export const MAX_DAYS_PER_CHRONIC_DISPENSING = 30;
/**
 * Refill n ≥ 2 opens 10 days before the previous supply runs out (醫療辦法 §24). A dispensing rule, not in the
 * field rules either.
 */
export const WINDOW_DAYS_BEFORE_RUN_OUT = 10;
