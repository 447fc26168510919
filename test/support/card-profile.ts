/** The ordinary citizen card's profile fields, read from its fixture (fixtures/cards/citizen-wang.json). */
import { join } from "node:path";
import type { ProfileFields } from "../../src/card/profile.js";
import { CARD_FIXTURE_DIR, loadCardFixture } from "../../src/card/virtual-card/fixture.js";

function wang(): ProfileFields {
  const { profile } = loadCardFixture(join(CARD_FIXTURE_DIR, "citizen-wang.json"));
  if (!profile) throw new Error("fixtures/cards/citizen-wang.json has no readable profile");
  const { padding: _padding, ...fields } = profile;
  return { ...fields, sex: fields.sex as ProfileFields["sex"] };
}

export const WANG: ProfileFields = wang();
