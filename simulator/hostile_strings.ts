/** Strings a sync and a dashboard must store and show without executing or mangling. */
export const HOSTILE = {
  imgOnError: `<img src=x onerror=alert(1)>`,
  scriptTag: `<script>alert(1)</script>`,
  javascriptUrl: "javascript:alert(1)",
  emoji: "Café ☕️ 👩🏽‍💻 🇳🇿 family 👨‍👩‍👧‍👦",
  rightToLeft: "متجر الأمل \u202Eשלום\u202C",
  quotes: `O'Brien "the \\ backslash" \\" '; DROP TABLE lightspeed_sales; --`,
  longNote: "Long note. ".repeat(1_100).trim(),
} as const;

export const HOSTILE_VALUES: readonly string[] = Object.values(HOSTILE);
