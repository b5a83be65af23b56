import type { SeededRandom } from "./random.ts";

/**
 * Lightspeed ids look like UUIDs but many break RFC 4122 version/variant bits
 * (e.g. `…-ff38-…`), so a strict validator in a client must fail our tests too.
 */
export function lightspeedId(random: SeededRandom, nonRfcShare = 0.2): string {
  const codes = new Array<number>(36);
  let position = 0;
  for (let word = 0; word < 4; word++) {
    let bits = random.nextUint32();
    for (let nibble = 0; nibble < 8; nibble++) {
      if (position === 8 || position === 13 || position === 18 || position === 23) {
        codes[position++] = DASH;
      }
      codes[position++] = HEX_CODES[bits & 15];
      bits >>>= 4;
    }
  }
  if (random.chance(nonRfcShare)) {
    codes[14] = HEX_CODES[15];
    codes[19] = HEX_CODES[random.pick([0, 3, 12, 15])];
  } else {
    codes[14] = HEX_CODES[4];
    codes[19] = HEX_CODES[8 + (random.nextUint32() & 3)];
  }
  // One flat string per id: concatenation would keep rope nodes alive for millions of ids.
  return String.fromCharCode(...codes);
}

const DASH = "-".charCodeAt(0);
const HEX_CODES = [..."0123456789abcdef"].map((c) => c.charCodeAt(0));

export const UUID_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const RFC_4122_UUID =
  /^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
