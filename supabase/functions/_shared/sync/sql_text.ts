// The SQL text the sync builds from the registry: quoted names and literals, and the cast that
// reads a record's field as its column's kind. The validator (entities/column_kinds.ts) accepts
// exactly what these casts accept; sql_text_test.ts holds the two to that on PostgreSQL.
import type { ColumnKind } from "../entities/column_kinds.ts";

/** SQL that reads field `source` of the jsonb record `recordAlias` as this kind. */
export function castExpression(recordAlias: string, source: string, kind: ColumnKind): string {
  const field = quoteLiteral(source);
  const text = `${recordAlias} ->> ${field}`;
  switch (kind) {
    case "text":
      return text;
    case "date":
      return `(nullif(${text}, '')::timestamp)::date`;
    // jsonb keeps a number as written: JSON 1.0 reads as '1.0', which ::bigint refuses. The
    // validator lets only integral values through, so going through numeric never rounds.
    case "bigint":
    case "integer":
      return `nullif(${text}, '')::numeric::${kind}`;
    // Likewise a JSON 1.0 or 0.0 the validator takes for 1 or 0 (::boolean refuses '1.0').
    case "boolean":
      return `case jsonb_typeof(${recordAlias} -> ${field}) when 'number' ` +
        `then (${text})::numeric <> 0 else nullif(${text}, '')::boolean end`;
    default:
      return `nullif(${text}, '')::${kind}`;
  }
}

export function quoteLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

export function quoteIdentifier(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`Unsafe SQL identifier "${name}"`);
  return `"${name}"`;
}
