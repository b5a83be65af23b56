// DEVELOPMENT ONLY: parses the subset of PostgREST's URL grammar that supabase-js sends for the
// dashboard, into SQL text with numbered parameters. Identifiers are checked against a strict
// pattern and double-quoted; every value is a parameter, never spliced into the text.

export class QueryError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: string | null = null,
  ) {
    super(message);
  }
}

const identifierPattern = /^[a-z_][a-z0-9_]{0,62}$/;
const reserved = new Set([
  "select",
  "order",
  "limit",
  "offset",
  "on_conflict",
  "columns",
  "apikey",
]);
const comparisons: Record<string, string> = {
  eq: "=",
  neq: "<>",
  gt: ">",
  gte: ">=",
  lt: "<",
  lte: "<=",
};

/** Returns the identifier double-quoted, or throws when it is not a plain lower-case name. */
export function quoteIdentifier(name: string): string {
  if (!identifierPattern.test(name)) {
    throw new QueryError(400, "PGRST100", `"${name}" is not a supported identifier`);
  }
  return `"${name}"`;
}

export interface ReadQuery {
  columns: string;
  where: string;
  orderBy: string;
  limit: number | null;
  offset: number;
  params: unknown[];
}

/** Splits an `in.(a,"b,c",d)` list, honouring PostgREST's double quotes and backslashes. */
export function parseList(text: string): string[] {
  if (!text.startsWith("(") || !text.endsWith(")")) {
    throw new QueryError(400, "PGRST100", `"${text}" is not a parenthesised list`);
  }
  const body = text.slice(1, -1);
  const items: string[] = [];
  let current = "";
  let quoted = false;
  let wasQuoted = false;
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (quoted) {
      if (ch === "\\" && i + 1 < body.length) current += body[++i];
      else if (ch === '"') quoted = false;
      else current += ch;
    } else if (ch === '"') {
      quoted = true;
      wasQuoted = true;
    } else if (ch === ",") {
      items.push(current);
      current = "";
      wasQuoted = false;
    } else {
      current += ch;
    }
  }
  if (quoted) throw new QueryError(400, "PGRST100", "unterminated quote in list");
  if (body.length > 0 || wasQuoted) items.push(current);
  return items;
}

/** Builds the WHERE clause from every non-reserved query parameter (`col=op.value`). */
export function buildWhere(
  params: URLSearchParams,
  values: unknown[],
): string {
  const clauses: string[] = [];
  for (const [key, raw] of params) {
    if (reserved.has(key)) continue;
    const column = quoteIdentifier(key);
    let rest = raw;
    let negate = false;
    if (rest.startsWith("not.")) {
      negate = true;
      rest = rest.slice(4);
    }
    const dot = rest.indexOf(".");
    if (dot < 0) throw new QueryError(400, "PGRST100", `"${key}=${raw}" has no operator`);
    const op = rest.slice(0, dot);
    const value = rest.slice(dot + 1);
    let clause: string;
    if (op in comparisons) {
      values.push(value);
      clause = `${column} ${comparisons[op]} $${values.length}`;
    } else if (op === "in") {
      const items = parseList(value);
      if (items.length === 0) clause = "false";
      else {
        const placeholders = items.map((item) => {
          values.push(item);
          return `$${values.length}`;
        });
        clause = `${column} in (${placeholders.join(", ")})`;
      }
    } else if (op === "is") {
      const literal = { null: "null", true: "true", false: "false", unknown: "unknown" }[
        value.toLowerCase()
      ];
      if (!literal) throw new QueryError(400, "PGRST100", `"is.${value}" is not supported`);
      clause = `${column} is ${literal}`;
    } else {
      throw new QueryError(400, "PGRST100", `operator "${op}" is not supported by the stand-in`);
    }
    clauses.push(negate ? `not (${clause})` : clause);
  }
  return clauses.length ? `where ${clauses.join(" and ")}` : "";
}

function parseColumns(select: string | null): string {
  if (select === null || select.trim() === "*" || select.trim() === "") return "*";
  return select.split(",").map((c) => quoteIdentifier(c.trim())).join(", ");
}

function parseOrder(order: string | null): string {
  if (!order) return "";
  const terms = order.split(",").map((term) => {
    const [column, ...modifiers] = term.split(".");
    let sql = quoteIdentifier(column);
    for (const modifier of modifiers) {
      if (modifier === "asc" || modifier === "desc") sql += ` ${modifier}`;
      else if (modifier === "nullsfirst") sql += " nulls first";
      else if (modifier === "nullslast") sql += " nulls last";
      else throw new QueryError(400, "PGRST100", `order modifier "${modifier}" is not supported`);
    }
    return sql;
  });
  return `order by ${terms.join(", ")}`;
}

function parseCount(text: string | null, name: string): number | null {
  if (text === null) return null;
  if (!/^\d{1,9}$/.test(text)) throw new QueryError(400, "PGRST100", `"${name}" must be a number`);
  return Number(text);
}

/** Parses a GET query string into its SQL parts; `maxRows` caps the limit like PostgREST. */
export function parseReadQuery(params: URLSearchParams, maxRows: number): ReadQuery {
  const values: unknown[] = [];
  const where = buildWhere(params, values);
  const limit = parseCount(params.get("limit"), "limit");
  return {
    columns: parseColumns(params.get("select")),
    where,
    orderBy: parseOrder(params.get("order")),
    limit: Math.min(limit ?? maxRows, maxRows),
    offset: parseCount(params.get("offset"), "offset") ?? 0,
    params: values,
  };
}

/** Parses a PATCH body into `set` assignments, continuing the parameter numbering. */
export function parseAssignments(body: unknown, values: unknown[]): string {
  if (!body || typeof body !== "object" || Array.isArray(body)) {
    throw new QueryError(400, "PGRST102", "Request body must be a JSON object");
  }
  const entries = Object.entries(body as Record<string, unknown>);
  if (entries.length === 0) throw new QueryError(400, "PGRST102", "Empty update body");
  return entries.map(([key, value]) => {
    const column = quoteIdentifier(key);
    values.push(value !== null && typeof value === "object" ? JSON.stringify(value) : value);
    return `${column} = $${values.length}`;
  }).join(", ");
}

/** Reads PostgREST's `Prefer` header into the two options the dashboard uses. */
export function parsePrefer(header: string | null): { count: boolean; representation: boolean } {
  const parts = (header ?? "").split(",").map((p) => p.trim());
  return {
    count: parts.includes("count=exact") || parts.includes("count=planned") ||
      parts.includes("count=estimated"),
    representation: parts.includes("return=representation"),
  };
}
