/** A Kysely instance or an open transaction: every store function works on either. */
import type { Kysely, Transaction } from "kysely";
import type { Database } from "../../db/schema.js";

export type Db = Kysely<Database> | Transaction<Database>;
